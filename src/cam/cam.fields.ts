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
 * Rows `(name, cam_type, lift, duration, profile_points, ordinality)` from a JSON array of validated cam inputs bound
 * as one parameter: a thousand cams with their profiles travel in one statement, far under the 65,535-parameter
 * limit that multi-row VALUES would hit.
 */
export function camValuesFromJson(parameter: string): string {
  return `select e->>'name' as name, e->>'camType' as cam_type, (e->>'lift')::numeric as lift, (e->>'duration')::int as duration,
            nullif(e->'profilePoints', 'null'::jsonb) as profile_points, ordinality
     from jsonb_array_elements(${parameter}::jsonb) with ordinality as input(e, ordinality)`;
}
