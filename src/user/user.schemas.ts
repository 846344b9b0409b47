import { z } from 'zod';
import { nonEmptyPatch, storableText, timestampSchema, userIdSchema } from '../common/validation.ts';
import { projectWithCamsSchema } from '../project/project.schemas.ts';

export const SUBSCRIPTION_STATUSES = ['free', 'pro'] as const;
export const subscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);

/** Stored as given; compared without regard to case (`Test@Example.com` is `test@example.com`). */
export const emailSchema = storableText({ maxCharacters: 255 }).pipe(z.email());

/** What a sign-in webhook knows about a user. Without `subscriptionStatus`, a new user is 'free' and an existing one keeps theirs. */
export const userUpsertSchema = z.strictObject({
  id: userIdSchema,
  email: emailSchema,
  subscriptionStatus: subscriptionStatusSchema.optional(),
});

export const userPatchSchema = nonEmptyPatch({ email: emailSchema, subscriptionStatus: subscriptionStatusSchema });

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  subscriptionStatus: subscriptionStatusSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const userWithProjectsSchema = userSchema.extend({ projects: z.array(projectWithCamsSchema) });

export type UserUpsertInput = z.input<typeof userUpsertSchema>;
export type UserPatch = z.input<typeof userPatchSchema>;
export type UserDto = z.output<typeof userSchema>;
export type UserWithProjectsDto = z.output<typeof userWithProjectsSchema>;
