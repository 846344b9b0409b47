import { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Parses `input` with `schema`, or throws a `ValidationError` listing every problem zod found. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw ValidationError.fromZod(result.error);
  }
  return result.data;
}

/**
 * Parses one positional argument (a user id, a record id): its problems carry the argument's name as their path. The
 * schema parses the argument itself: wrapping it in an object per call would make zod compile that object every time.
 */
export function parseArgument<Schema extends z.ZodType>(schema: Schema, input: unknown, name: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map(({ path, message, code }) => ({ path: [name, ...path], message, code })),
      { cause: result.error },
    );
  }
  return result.data;
}

/** PostgreSQL's `integer`: a value outside it fails in the database, after the call has started. */
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;

/** A whole number an `integer` column (or parameter) holds, within `min` and `max` when given: one issue when out of range. */
export function int32(range: { min?: number; max?: number } = {}) {
  return z.int().min(Math.max(range.min ?? INT32_MIN, INT32_MIN)).max(Math.min(range.max ?? INT32_MAX, INT32_MAX));
}

/**
 * A string that a text column of a UTF8 database stores and hands back unchanged. PostgreSQL refuses U+0000 in
 * text, and the driver turns a lone UTF-16 surrogate into U+FFFD on the way in, so `'x\ud800'` and `'x\udfff'` would
 * be stored as the same value. `maxCharacters` counts characters (code points), as `varchar(n)` does, not UTF-16
 * code units: 255 emoji fit a `varchar(255)` although their `length` is 510.
 */
export function storableText(options: { trim?: boolean; maxCharacters?: number } = {}) {
  const { trim = false, maxCharacters } = options;
  let schema = z.string().check((ctx) => {
    const problem = unstorable(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });
  // Checks and overwrites run in the order they were added: the length is that of the trimmed text.
  if (trim) schema = schema.trim();
  if (maxCharacters !== undefined) {
    schema = schema.check((ctx) => {
      if (characterCount(ctx.value) > maxCharacters) {
        ctx.issues.push({ code: 'too_big', origin: 'string', maximum: maxCharacters, inclusive: true, message: `at most ${maxCharacters} characters`, input: ctx.value });
      }
    });
  }
  return schema;
}

/** Why PostgreSQL cannot store `text` unchanged, or `undefined` when it can. */
function unstorable(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return `must not contain U+0000 (NUL, at index ${nul}): PostgreSQL cannot store it in text`;
  if (!text.isWellFormed()) return 'must be well-formed Unicode: it has a lone UTF-16 surrogate (U+D800 to U+DFFF)';
  return undefined;
}

function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A serial primary key: a positive 32-bit integer. */
export const serialIdSchema = int32({ min: 1 });

/** A user id as the auth provider issues it (e.g. Clerk's `user_2abc...`): 1 to 255 characters once trimmed. */
export const userIdSchema = storableText({ trim: true, maxCharacters: 255 }).min(1);

/** Built once: zod compiles an object schema the first time it parses with it. */
const ownedRecordIdsSchema = z.object({ userId: userIdSchema, record: serialIdSchema });

/**
 * Whether `id` is a user id exactly as `userIdSchema` returns it (nothing to trim, 1 to 255 UTF-16 units, so at most
 * 255 characters, storable): what nearly every call passes, accepted without zod's per-call work. Anything else goes
 * through the schema, which decides and words the error.
 */
function isPlainUserId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 255 && id.trim() === id && !id.includes('\u0000') && id.isWellFormed();
}

/** Whether `id` is a serial primary key as `serialIdSchema` accepts it. */
function isSerialId(id: unknown): id is number {
  return Number.isInteger(id) && (id as number) >= 1 && (id as number) <= INT32_MAX;
}

/** A user id argument, checked as `userIdSchema` does and named `name` in an error. */
export function parseUserId(userId: unknown, name: 'userId' | 'id' = 'userId'): string {
  return isPlainUserId(userId) ? userId : parseArgument(userIdSchema, userId, name);
}

/** The acting user's id and the id of one of their records, each checked and named in an error by `recordName`. */
export function ownedRecordIds(userId: string, recordId: number, recordName: 'projectId' | 'camId'): [string, number] {
  if (isPlainUserId(userId) && isSerialId(recordId)) return [userId, recordId];
  const ids = ownedRecordIdsSchema.safeParse({ userId, record: recordId });
  if (!ids.success) {
    // One error for both arguments, each problem under the argument's name.
    throw new ValidationError(
      ids.error.issues.map(({ path: [argument, ...rest], message, code }) => ({ path: [argument === 'record' ? recordName : 'userId', ...rest], message, code })),
      { cause: ids.error },
    );
  }
  return [ids.data.userId, ids.data.record];
}

/** `created_at`/`updated_at` in DTOs: ISO 8601, UTC, microsecond precision. */
export const timestampSchema = z.iso.datetime({ precision: 6 });

/** A name of a project or cam: 1 to 255 characters once surrounding spaces are trimmed. */
export const nameSchema = storableText({ trim: true, maxCharacters: 255 }).min(1, 'must not be empty');

/** A patch must change something: an empty one is almost always a bug in the caller. */
export function nonEmptyPatch<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .strictObject(shape)
    .partial()
    .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
      message: `give at least one of: ${Object.keys(shape).join(', ')}`,
    });
}
