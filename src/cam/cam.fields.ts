import { isoTimestamp } from '../common/sql.ts';
import type { ProfilePoint } from './profile-points.ts';

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

/** The columns a cam is written with, in the order of `camValuesList`. */
export const CAM_WRITE_COLUMNS = 'name, cam_type, lift, duration, profile_points';

/** What a cam is written with: a validated input. */
export interface CamValues {
  name: string;
  camType: string;
  lift: number;
  duration: number;
  profilePoints?: ProfilePoint[] | null;
}

/**
 * Rows `input(name, cam_type, lift, duration, profile_points, ordinality)` of the given cams as multi-row VALUES, their
 * values appended to `parameters` (five per cam: a thousand cams stay far under the 65,535-parameter limit). Each
 * profile is its own jsonb parameter, which PostgreSQL parses faster than one array of all of them.
 */
export function camValuesList(cams: readonly CamValues[], parameters: unknown[]): string {
  const rows = cams.map((cam, index) => {
    const at = parameters.push(cam.name, cam.camType, cam.lift, cam.duration, cam.profilePoints ? JSON.stringify(cam.profilePoints) : null);
    return `($${at - 4}::text, $${at - 3}::text, $${at - 2}::numeric, $${at - 1}::int, $${at}::jsonb, ${index})`;
  });
  return `(values ${rows.join(', ')}) as input(name, cam_type, lift, duration, profile_points, ordinality)`;
}
