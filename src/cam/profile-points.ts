import { z } from 'zod';

export const MIN_PROFILE_POINTS = 3;
export const MAX_PROFILE_POINTS = 3600;
/** Beyond this many problems in one profile, the rest are summed up in one last issue. */
const MAX_REPORTED_POINT_ISSUES = 50;

/** One sample of a lobe profile. */
export interface ProfilePoint {
  /** Cam angle in degrees, 0 <= angle < 360. */
  angle: number;
  /** Distance from the cam axis to the lobe surface, millimetres. */
  radius: number;
}

/** One sample of a lobe: cam angle in degrees, 0 <= angle < 360, and radius from the cam axis in mm, > 0. */
export const profilePointSchema = z.strictObject({
  angle: z.number().min(0).lt(360),
  radius: z.number().positive(),
});

/**
 * 3 to 3,600 points with angles strictly increasing. The same rules as `z.array(profilePointSchema)` plus ordering,
 * checked in one pass without copying: bulk imports carry hundreds of thousands of points, and zod's generic array
 * and object parsing cost as much as writing them to the database.
 */
export const profilePointsSchema = z.custom<ProfilePoint[]>((value) => Array.isArray(value), 'expected an array of { angle, radius } points').check((ctx) => {
  const points = ctx.value as unknown[];
  const report = (path: PropertyKey[], message: string) => ctx.issues.push({ code: 'custom', message, input: points, path });
  if (points.length < MIN_PROFILE_POINTS || points.length > MAX_PROFILE_POINTS) {
    report([], `a profile has ${MIN_PROFILE_POINTS} to ${MAX_PROFILE_POINTS} points, not ${points.length}`);
  }
  let reported = 0;
  let previousAngle = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const problem = pointProblem(points[i], previousAngle);
    if (problem) {
      if (reported < MAX_REPORTED_POINT_ISSUES) report([i, ...problem.path], problem.message);
      reported++;
    }
    const angle = (points[i] as { angle?: unknown } | null)?.angle;
    if (typeof angle === 'number') previousAngle = angle;
  }
  if (reported > MAX_REPORTED_POINT_ISSUES) {
    report([], `${reported - MAX_REPORTED_POINT_ISSUES} more points are invalid`);
  }
});

function pointProblem(point: unknown, previousAngle: number): { path: string[]; message: string } | undefined {
  if (typeof point !== 'object' || point === null) {
    return { path: [], message: 'expected a point { angle, radius }' };
  }
  let keys = 0;
  for (const key in point) {
    keys++;
    if (key !== 'angle' && key !== 'radius') return { path: [key], message: `unrecognized key "${key}": a point has angle and radius` };
  }
  const { angle, radius } = point as { angle?: unknown; radius?: unknown };
  if (keys !== 2 || typeof angle !== 'number' || typeof radius !== 'number') {
    return { path: [], message: 'expected a point { angle: number, radius: number }' };
  }
  if (!Number.isFinite(angle) || angle < 0 || angle >= 360) {
    return { path: ['angle'], message: `angle must be in [0, 360) degrees, not ${angle}` };
  }
  if (!Number.isFinite(radius) || radius <= 0) {
    return { path: ['radius'], message: `radius must be a finite number of mm > 0, not ${radius}` };
  }
  if (angle <= previousAngle) {
    return { path: ['angle'], message: `angles must increase strictly: ${angle} follows ${previousAngle}` };
  }
  return undefined;
}
