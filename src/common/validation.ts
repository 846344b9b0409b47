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

/** A serial primary key: a positive 32-bit integer. */
export const serialIdSchema = z.int().positive().max(2_147_483_647);

/** A user id as the auth provider issues it (e.g. Clerk's `user_2abc...`). */
export const userIdSchema = z.string().trim().min(1).max(255);

/** The acting user's id and the id of one of their records, each checked. */
export function ownedRecordIds(userId: string, recordId: number): [string, number] {
  return [parseInput(userIdSchema, userId), parseInput(serialIdSchema, recordId)];
}

/** `created_at`/`updated_at` in DTOs: ISO 8601, UTC, microsecond precision. */
export const timestampSchema = z.iso.datetime({ precision: 6 });

/** A name of a project or cam: 1 to 255 characters once surrounding spaces are trimmed. */
export const nameSchema = z.string().trim().min(1, 'must not be empty').max(255);

/** A patch must change something: an empty one is almost always a bug in the caller. */
export function nonEmptyPatch<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .strictObject(shape)
    .partial()
    .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
      message: `give at least one of: ${Object.keys(shape).join(', ')}`,
    });
}
