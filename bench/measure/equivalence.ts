import { isDeepStrictEqual } from 'node:util';

const MICROSECOND_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/**
 * A result as it is compared across libraries: timestamps to the millisecond (a JS Date holds no more), cursors only
 * as "there is a next page" (they embed the sort key, whose precision differs), no export time.
 */
function comparable(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && MICROSECOND_TIMESTAMP.test(value)) return value.slice(0, 23);
  if (key === 'nextCursor') return value !== null;
  if (Array.isArray(value)) return value.map((item) => comparable(item));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([name]) => name !== 'exportedAt')
        .map(([name, item]) => [name, comparable(item, name)]),
    );
  }
  return value;
}

/** Keys and value types only, for writes: ids and times differ between two writes by nature. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, shape(item)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  }
  return value === null ? 'null' : typeof value;
}

/** `undefined` when `actual` is `expected` as far as a caller can tell; otherwise where they first differ. */
export function difference(expected: unknown, actual: unknown, kind: 'read' | 'write'): string | undefined {
  const [left, right] = kind === 'read' ? [comparable(expected), comparable(actual)] : [shape(expected), shape(actual)];
  return isDeepStrictEqual(left, right) ? undefined : firstDifference(left, right, '$');
}

function firstDifference(left: unknown, right: unknown, path: string): string {
  if (left && right && typeof left === 'object' && typeof right === 'object') {
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    for (const key of keys) {
      const a = (left as Record<string, unknown>)[key];
      const b = (right as Record<string, unknown>)[key];
      if (!isDeepStrictEqual(a, b)) return firstDifference(a, b, `${path}.${key}`);
    }
  }
  return `${path}: expected ${JSON.stringify(left)?.slice(0, 120)}, got ${JSON.stringify(right)?.slice(0, 120)}`;
}
