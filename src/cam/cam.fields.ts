import { isoTimestamp } from '../common/sql.ts';

/** The SQL expressions of a `CamSummaryDto`, over `cams` aliased as `c`. */
export const camSummaryFields = {
  id: 'c.id',
  projectId: 'c.project_id',
  name: 'c.name',
  camType: 'c.cam_type',
  lift: 'c.lift::float8',
  duration: 'c.duration',
  version: 'c.version',
  hasProfile: 'c.profile_points is not null',
  createdAt: isoTimestamp('c.created_at'),
  updatedAt: isoTimestamp('c.updated_at'),
};

/** A whole cam row; the service adds the profile analysis. */
export const camFields = { ...camSummaryFields, profilePoints: 'c.profile_points' };

/** The columns a cam is written with, in the order of `camValuesFromJson`. */
export const CAM_WRITE_COLUMNS = 'name, cam_type, lift, duration, profile_points';

/**
 * Rows `input(name, cam_type, lift, duration, profile_points, ordinality)` from a JSON array of validated cam inputs
 * bound as one parameter: a thousand cams with their profiles travel in one statement, far under the 65,535-parameter
 * limit that multi-row VALUES would hit. A missing or null `profilePoints` reads as SQL NULL.
 */
export function camValuesFromJson(parameter: string): string {
  return `rows from (jsonb_to_recordset(${parameter}::jsonb) as ("name" text, "camType" text, "lift" numeric, "duration" int, "profilePoints" jsonb))
     with ordinality as input(name, cam_type, lift, duration, profile_points, ordinality)`;
}
