import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { serialIdSchema, storableText, timestampSchema } from './validation.ts';

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
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not base64url JSON: refused below
  }
  const parsed = cursorSchema(ordering).safeParse(decoded);
  if (parsed.success) {
    const [, key, id] = parsed.data;
    return { ordering, key, id };
  }
  throw new ValidationError(
    [{ path: ['after'], message: `not a cursor of this list (ordered by ${ordering}): pass nextCursor back unchanged`, code: 'invalid_cursor' }],
    { cause: parsed.error },
  );
}

/**
 * `[ordering, key, id]` as `encodeCursor` writes it for `ordering`. The key goes to the database as the value of the
 * sort column, so a forged cursor must not carry one the column's type refuses: that would fail in the driver.
 */
function cursorSchema(ordering: string) {
  let schema = cursorSchemas.get(ordering);
  if (!schema) {
    schema = z.tuple([z.literal(ordering), cursorKeySchema(ordering.split(':')[0]!), serialIdSchema]);
    cursorSchemas.set(ordering, schema);
  }
  return schema;
}
/** One schema per ordering, built once: zod compiles a schema the first time it parses with it. */
const cursorSchemas = new Map<string, z.ZodTuple<[z.ZodLiteral<string>, z.ZodType<string | number>, typeof serialIdSchema]>>();

function cursorKeySchema(column: string): z.ZodType<string | number> {
  switch (column) {
    case 'id':
      return serialIdSchema;
    case 'name':
      return storableText();
    case 'createdAt':
    case 'updatedAt':
      return dtoTimestampSchema;
    default:
      // An ordering this module does not know: its key is still one of the JSON types a cursor carries.
      return z.union([storableText(), z.number()]);
  }
}

/**
 * A timestamp exactly as DTOs carry it (`2026-01-31T12:00:00.123456Z`), of an instant PostgreSQL's `timestamptz`
 * takes: a day that exists in its month (no 30 February) and a year from 1 on.
 */
const dtoTimestampSchema = timestampSchema.refine((key) => {
  const date = new Date(key);
  return !key.startsWith('0000') && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 23) === key.slice(0, 23);
});

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
