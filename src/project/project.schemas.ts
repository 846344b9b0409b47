import { z } from 'zod';
import { camInputSchema, camSummarySchema } from '../cam/cam.schemas.ts';
import { pageSizeSchema } from '../common/pagination.ts';
import { nameSchema, nonEmptyPatch, storableText, timestampSchema } from '../common/validation.ts';

/** Any length (`text`). */
export const descriptionSchema = storableText().nullable();

export const projectInputSchema = z.strictObject({
  name: nameSchema,
  description: descriptionSchema.optional(),
});

export const projectPatchSchema = nonEmptyPatch({ name: nameSchema, description: descriptionSchema });

export const projectGetOptionsSchema = z.strictObject({
  /** Include the project's cams (without their profile points), in the same statement. */
  withCams: z.boolean().default(false),
});

export const PROJECT_ORDERINGS = ['createdAt', 'updatedAt', 'name'] as const;

export const projectListOptionsSchema = z
  .strictObject({
    limit: pageSizeSchema,
    /** `nextCursor` of the previous page. */
    after: z.string().optional(),
    orderBy: z.enum(PROJECT_ORDERINGS).default('createdAt'),
    /** Default: newest first for dates, A to Z for names. */
    direction: z.enum(['asc', 'desc']).optional(),
    /** Projects whose name contains this text, without regard to case. */
    search: storableText({ trim: true, maxCharacters: 255 }).min(1).optional(),
    /** Each project with its cams (without profile points), still in one statement. */
    withCams: z.boolean().default(false),
  })
  .transform((options) => ({ ...options, direction: options.direction ?? (options.orderBy === 'name' ? 'asc' : 'desc') }));

export const projectDuplicateOptionsSchema = z.strictObject({
  /** Default: the original's name followed by " (copy)". */
  name: nameSchema.optional(),
});

export const projectSchema = z.object({
  id: z.int(),
  userId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const projectWithCamsSchema = projectSchema.extend({ cams: z.array(camSummarySchema) });

export const PROJECT_DOCUMENT_FORMAT = 'enginecampro.project';
export const PROJECT_DOCUMENT_VERSION = 1;

/**
 * A project with its cams as a self-describing JSON document: what `projects.export` writes and `projects.import`
 * reads. `format` and `version` let a reader refuse a document it does not understand instead of misreading it.
 */
export const projectDocumentSchema = z.strictObject({
  format: z.literal(PROJECT_DOCUMENT_FORMAT),
  version: z.literal(PROJECT_DOCUMENT_VERSION),
  exportedAt: z.iso.datetime(),
  project: z.strictObject({
    name: nameSchema,
    description: descriptionSchema,
    cams: z.array(camInputSchema).max(10_000),
  }),
});

export type ProjectInput = z.input<typeof projectInputSchema>;
export type ProjectPatch = z.input<typeof projectPatchSchema>;
export type ProjectGetOptions = z.input<typeof projectGetOptionsSchema>;
export type ProjectListOptions = z.input<typeof projectListOptionsSchema>;
export type ProjectDuplicateOptions = z.input<typeof projectDuplicateOptionsSchema>;
export type ProjectDto = z.output<typeof projectSchema>;
export type ProjectWithCamsDto = z.output<typeof projectWithCamsSchema>;
export type ProjectDocument = z.output<typeof projectDocumentSchema>;
