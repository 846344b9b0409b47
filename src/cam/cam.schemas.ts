import { z } from 'zod';
import { pageSizeSchema } from '../common/pagination.ts';
import { int32, nameSchema, nonEmptyPatch, timestampSchema } from '../common/validation.ts';
import { CAM_TYPES } from './cam-type.ts';
import { maxLiftOf } from './profile-analysis.ts';
import { profilePointSchema, profilePointsSchema } from './profile-points.ts';

/** How far `lift` may be from the profile's maximum lift, mm: the column keeps two decimals. */
export const LIFT_TOLERANCE_MM = 0.01;
/** The tolerance as compared, in SQL too: the 1e-9 absorbs the rounding of the profile's floating-point radii. */
export const LIFT_TOLERANCE = LIFT_TOLERANCE_MM + 1e-9;

/** Whether a cam's lift and its profile's maximum lift are too far apart to belong together. */
export function liftsDisagree(lift: number, profileLift: number): boolean {
  return Math.abs(lift - profileLift) > LIFT_TOLERANCE;
}

export const camTypeSchema = z.enum(CAM_TYPES);

/**
 * Millimetres, > 0 and <= 999.99 with at most two decimals: exactly what numeric(5,2) stores, never rounded. `k / 100`
 * is the double nearest to the decimal k/100, the value the column stores and hands back, so the comparison is exact:
 * 11.430000001 or 1e-9 would be rounded by the column and are refused.
 */
export const liftSchema = z
  .number()
  .positive()
  .max(999.99)
  .refine((lift) => Math.round(lift * 100) / 100 === lift, 'at most two decimals (mm to 0.01)');

/** Degrees, a whole number from 1 to 720. */
export const durationSchema = z.int().min(1).max(720);

const camFieldSchemas = {
  name: nameSchema,
  camType: camTypeSchema,
  lift: liftSchema,
  duration: durationSchema,
  /** Optional; `null` (in a patch) removes the profile. */
  profilePoints: profilePointsSchema.nullable(),
};

/** When a cam has a profile, its lift must be the profile's (largest radius minus base circle radius). */
function liftAgreesWithProfile(cam: { lift?: number; profilePoints?: { angle: number; radius: number }[] | null }, ctx: z.RefinementCtx) {
  if (cam.lift === undefined || !cam.profilePoints) return;
  const profileLift = maxLiftOf(cam.profilePoints);
  if (liftsDisagree(cam.lift, profileLift)) {
    ctx.addIssue({ code: 'custom', path: ['lift'], message: liftMismatch(cam.lift, profileLift) });
  }
}

export function liftMismatch(lift: number, profileLift: number): string {
  return `lift ${lift} mm does not match the profile's maximum lift ${profileLift.toFixed(4)} mm (largest radius minus base circle radius, within ${LIFT_TOLERANCE_MM} mm)`;
}

export const camInputSchema = z
  .strictObject({ ...camFieldSchemas, profilePoints: camFieldSchemas.profilePoints.optional() })
  .superRefine(liftAgreesWithProfile);

/** Any subset of a cam's fields; when it gives both lift and profile they must agree. */
export const camPatchSchema = nonEmptyPatch(camFieldSchemas).superRefine(liftAgreesWithProfile);

export const camUpdateOptionsSchema = z.strictObject({
  /** The version the caller last read: if the cam has changed since, the update is refused with a ConflictError. */
  expectedVersion: int32({ min: 1 }).optional(),
});

export const camListOptionsSchema = z
  .strictObject({
    camType: camTypeSchema.optional(),
    /** Compared with the numeric column as given: any finite number is a valid bound. */
    liftMin: z.number().nonnegative().optional(),
    liftMax: z.number().nonnegative().optional(),
    durationMin: int32({ min: 0 }).optional(),
    durationMax: int32({ min: 0 }).optional(),
    limit: pageSizeSchema,
    after: z.string().optional(),
  })
  .refine((o) => o.liftMin === undefined || o.liftMax === undefined || o.liftMin <= o.liftMax, {
    message: 'liftMin must not exceed liftMax',
    path: ['liftMin'],
  })
  .refine((o) => o.durationMin === undefined || o.durationMax === undefined || o.durationMin <= o.durationMax, {
    message: 'durationMin must not exceed durationMax',
    path: ['durationMin'],
  });

export const profileAnalysisSchema = z.object({
  baseCircleRadius: z.number(),
  maxLift: z.number(),
  maxLiftAngle: z.number(),
  checkingHeight: z.number(),
  openingAngle: z.number().nullable(),
  closingAngle: z.number().nullable(),
  centerlineAngle: z.number().nullable(),
  durationCamDegrees: z.number(),
  durationCrankDegrees: z.number(),
  symmetric: z.boolean(),
});

/** A cam without its profile points: what lists and project graphs carry. */
export const camSummarySchema = z.object({
  id: z.int(),
  projectId: z.int(),
  name: z.string(),
  camType: camTypeSchema,
  lift: z.number(),
  duration: z.int(),
  version: z.int(),
  hasProfile: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

/** A whole cam: its profile points and, when it has them, the figures derived from them at a 1 mm checking height. */
export const camSchema = camSummarySchema.extend({
  profilePoints: z.array(profilePointSchema).nullable(),
  profileAnalysis: profileAnalysisSchema.nullable(),
});

export type CamInput = z.input<typeof camInputSchema>;
export type CamPatch = z.input<typeof camPatchSchema>;
export type CamUpdateOptions = z.input<typeof camUpdateOptionsSchema>;
export type CamListOptions = z.input<typeof camListOptionsSchema>;
export type CamSummaryDto = z.output<typeof camSummarySchema>;
export type CamDto = z.output<typeof camSchema>;
