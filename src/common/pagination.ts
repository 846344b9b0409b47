import { z } from 'zod';
import { ValidationError } from './errors.ts';

/** How many items a page holds when the caller does not say, and the most it may ask for. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export const pageSizeSchema = z.int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);

/** One page of a keyset-paginated list. Pass `nextCursor` as `after` to get the next page; `null` means the end. */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

/**
 * The position after the last item of a page: the sort key and id of that item, and the ordering it belongs to.
 * Opaque to callers (base64url JSON) so its shape can change without breaking them.
 */
export interface CursorPosition {
  /** What the list is ordered by, e.g. `createdAt:desc`: a cursor only continues the ordering it came from. */
  ordering: string;
  key: string | number;
  id: number;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.ordering, position.key, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string, ordering: string): CursorPosition {
  try {
    const [cursorOrdering, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      cursorOrdering === ordering &&
      (typeof key === 'string' || typeof key === 'number') &&
      typeof id === 'number' &&
      Number.isInteger(id)
    ) {
      return { ordering, key, id };
    }
  } catch {
    // fall through: not base64url JSON
  }
  throw new ValidationError([
    { path: ['after'], message: `not a cursor of this list (ordered by ${ordering}): pass nextCursor back unchanged`, code: 'invalid_cursor' },
  ]);
}

/**
 * Turns rows fetched with `limit + 1` into a page: the extra row only proves there is a next page.
 */
export function toPage<Item extends { id: number }>(
  rows: Item[],
  limit: number,
  cursorFor: (last: Item) => CursorPosition,
): Page<Item> {
  if (rows.length <= limit) {
    return { items: rows, nextCursor: null };
  }
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(cursorFor(items[items.length - 1]!)) };
}
