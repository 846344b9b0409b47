import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { NotFoundError, ValidationError } from '../../src/index.ts';
import type { TestDatabase } from './test-database.ts';

/**
 * One piece of text: any code point, weighted towards what PostgreSQL refuses (U+0000, lone surrogates), what
 * trimming removes, and characters outside the BMP (two UTF-16 units, one character for `varchar(n)`).
 */
const unit = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 6 },
  { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)), weight: 1 },
  { arbitrary: fc.constantFrom('\u0000', ' ', '\t', '\n', '\u00a0', '\ufeff', '\u{1f600}', '\u00e9', '\uffff', '%', '_', '\\'), weight: 3 },
);

/** Short strings of any content, and strings around the 255-character limit of `varchar(255)`. */
export const anyText = fc.oneof(
  { arbitrary: fc.string({ unit, maxLength: 12 }), weight: 4 },
  { arbitrary: fc.string({ unit, minLength: 250, maxLength: 262 }), weight: 1 },
);

/** Numbers at and around the bounds of PostgreSQL's `integer`, small ones, huge ones and non-integers. */
export const anyInteger = fc.oneof(
  fc.integer({ min: -3, max: 3 }).map((offset) => 2 ** 31 + offset),
  fc.integer({ min: -3, max: 3 }).map((offset) => -(2 ** 31) + offset),
  fc.integer({ min: -3, max: 3 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: false }),
);

export const isInt32 = (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value <= 2 ** 31 - 1;

/** What a UTF8 database stores unchanged: no U+0000, no lone surrogate. Written apart from src on purpose. */
export function storable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** A name or user id: storable, and 1 to 255 characters (code points, as varchar counts) once trimmed. */
export function fitsVarchar255(text: string): boolean {
  const trimmed = text.trim();
  return storable(text) && trimmed.length > 0 && [...trimmed].length <= 255;
}

/** Runs per property: enough to meet every kind of input above, few enough to keep each file at a few seconds. */
export const runs = { numRuns: 60 };

/**
 * The whole content of the package's tables as one text: equal before and after a refused call proves it changed
 * nothing. Read over a connection of its own, beside the one the services use.
 */
export function useTableState(database: TestDatabase): () => Promise<string> {
  let client: pg.Client | undefined;
  beforeAll(async () => {
    client = new pg.Client(database.url);
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });
  return async () => {
    const { rows } = await client!.query<{ state: string }>(
      `select md5(json_build_object(
         'users', (select json_agg(t order by t.id) from users t),
         'projects', (select json_agg(t order by t.id) from projects t),
         'cams', (select json_agg(t order by t.id) from cams t))::text) as state`,
    );
    return rows[0]!.state;
  };
}

/**
 * The property every service input has: the call either succeeds, and then `stored` checks that the value came back
 * exactly, or throws a `ValidationError` naming `path` and the tables are as they were. `accepted`, when known, says
 * which of the two it must be. A `NotFoundError` counts as success: the input was taken and looked up.
 */
export async function acceptedOrRefused<Result>(
  state: () => Promise<string>,
  { accepted, path }: { accepted: boolean | undefined; path: PropertyKey[] },
  call: () => Promise<Result>,
  stored: (result: Result | NotFoundError) => Promise<void> | void = () => {},
): Promise<void> {
  const before = await state();
  const outcome = await call().then(
    (value) => ({ value }),
    (error: unknown) => (error instanceof NotFoundError ? { value: error } : { error }),
  );
  if ('error' in outcome) {
    expect(outcome.error, 'a refusal is a ValidationError').toBeInstanceOf(ValidationError);
    expect((outcome.error as ValidationError).issues.map((issue) => issue.path)).toContainEqual(path);
    expect(accepted, `refused: ${(outcome.error as Error).message}`).not.toBe(true);
    expect(await state(), 'a refused call changes nothing').toBe(before);
  } else {
    expect(accepted, 'accepted').not.toBe(false);
    await stored(outcome.value);
  }
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * Texts in the timestamp form DTOs carry (`2026-01-31T12:00:00.123456Z`) with any field values, 30 February and year
 * 0 among them; real instants of that form; and other texts PostgreSQL would read as a timestamp or refuse.
 */
export const anyTimestampText = fc.oneof(
  fc
    .tuple(...[9999, 13, 32, 25, 61, 61, 999_999].map((max) => fc.integer({ min: 0, max })))
    .map(([year, month, day, hour, minute, second, micros]) =>
      `${pad(year!, 4)}-${pad(month!, 2)}-${pad(day!, 2)}T${pad(hour!, 2)}:${pad(minute!, 2)}:${pad(second!, 2)}.${pad(micros!, 6)}Z`,
    ),
  fc
    .tuple(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }))
    .map(([date, micros]) => `${date.toISOString().slice(0, 23)}${pad(micros, 3)}Z`),
  fc.constantFrom('infinity', '-infinity', 'now', '2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000000+01:00', '2026-01-01 00:00:00.000000Z'),
);

/** Whether `value` is a timestamp as DTOs carry it, of a day that exists: the oracle of a date cursor key. */
export function isDtoTimestamp(value: unknown): boolean {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/.exec(value) : null;
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return year >= 1 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

const anyId = fc.integer({ min: 1, max: 2 ** 31 - 1 });

/** A sort key a forged cursor may carry: of the right type for some ordering, or of none. */
export const anyCursorKey = fc.oneof(anyText, anyTimestampText, anyId, anyInteger, fc.constantFrom(null, true, [], {}, '1'));

/** An id a forged cursor may carry: mostly a real one, so that the key decides. */
export const anyCursorId = fc.oneof({ arbitrary: anyId, weight: 3 }, { arbitrary: anyCursorKey, weight: 1 });

/** Whether a forged cursor's key and id (as JSON hands them back) are what a list ordered by `column` takes. */
export function isCursorOf(column: string, key: unknown, id: unknown): boolean {
  const positiveInt32 = (value: unknown) => typeof value === 'number' && isInt32(value) && value >= 1;
  const keyFits = { id: positiveInt32, name: (text: unknown) => typeof text === 'string' && storable(text), createdAt: isDtoTimestamp, updatedAt: isDtoTimestamp }[column];
  return keyFits !== undefined && keyFits(key) && positiveInt32(id);
}
