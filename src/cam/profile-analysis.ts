import type { ProfilePoint } from './profile-points.ts';

/**
 * Checking heights in millimetres: duration is only meaningful with the lift at which it is measured, and two cams
 * are compared at the same one.
 */
export const CHECKING_HEIGHTS = {
  /** Advertised duration, 0.006 in. */
  '0.006in': 0.1524,
  /** The American standard, 0.050 in. */
  '0.050in': 1.27,
  /** Metric makers' 0.1 mm. */
  '0.1mm': 0.1,
  /** Metric makers' 1 mm, the default here. */
  '1mm': 1,
} as const;

export type CheckingHeight = number | keyof typeof CHECKING_HEIGHTS;

export interface ProfileAnalysis {
  /** Smallest radius of the profile, mm. Lift at an angle is its radius minus this. */
  baseCircleRadius: number;
  /** Largest radius minus the base circle radius, mm. */
  maxLift: number;
  /** Cam angle of the largest radius, degrees. */
  maxLiftAngle: number;
  /** The lift at which duration is measured, mm. */
  checkingHeight: number;
  /** Cam angle where the lift rises through the checking height, or null when it never reaches it. */
  openingAngle: number | null;
  /** Cam angle where the lift falls back through the checking height. */
  closingAngle: number | null;
  /** Midway between opening and closing: the lobe centreline, cam degrees. */
  centerlineAngle: number | null;
  /** Cam degrees with the lift at or above the checking height. */
  durationCamDegrees: number;
  /** The same in crank degrees: the camshaft turns at half crank speed, so twice the cam angle. */
  durationCrankDegrees: number;
  /** Whether opening and closing flanks mirror each other about the centreline (within 0.01 mm). */
  symmetric: boolean;
}

const SYMMETRY_TOLERANCE_MM = 0.01;

/**
 * The figures a cam designer reads off a lobe profile. Pure: `points` must be a valid profile (angles strictly
 * increasing in [0, 360), radii positive), which is what every stored profile is. Lifts between samples are
 * interpolated linearly, and the profile wraps around at 360 degrees, so a lobe may straddle 0.
 */
export function analyzeProfile(points: readonly ProfilePoint[], options: { checkingHeight?: CheckingHeight } = {}): ProfileAnalysis {
  const checkingHeight = resolveCheckingHeight(options.checkingHeight ?? '1mm');
  let baseCircleRadius = Infinity;
  let peak = points[0]!;
  for (const point of points) {
    if (point.radius < baseCircleRadius) baseCircleRadius = point.radius;
    if (point.radius > peak.radius) peak = point;
  }
  const maxLift = peak.radius - baseCircleRadius;
  const threshold = baseCircleRadius + checkingHeight;

  // Walk every segment between neighbouring samples, the last one wrapping to the first.
  let durationCamDegrees = 0;
  let openingAngle: number | null = null;
  let closingAngle: number | null = null;
  const count = points.length;
  for (let i = 0; i < count; i++) {
    const from = points[i]!;
    const to = points[(i + 1) % count]!;
    const span = i + 1 < count ? to.angle - from.angle : to.angle + 360 - from.angle;
    const fromAbove = from.radius >= threshold;
    const toAbove = to.radius >= threshold;
    if (fromAbove && toAbove) {
      durationCamDegrees += span;
    } else if (fromAbove !== toAbove) {
      const crossing = span * ((threshold - from.radius) / (to.radius - from.radius));
      const angle = normalizeAngle(from.angle + crossing);
      if (toAbove) {
        durationCamDegrees += span - crossing;
        openingAngle = openingAngle ?? angle;
      } else {
        durationCamDegrees += crossing;
        closingAngle = angle;
      }
    }
  }
  const openClose = openingAngle !== null && closingAngle !== null;
  const centerlineAngle = openClose ? normalizeAngle(openingAngle! + normalizeAngle(closingAngle! - openingAngle!) / 2) : null;

  return {
    baseCircleRadius: round(baseCircleRadius, 4),
    maxLift: round(maxLift, 4),
    maxLiftAngle: peak.angle,
    checkingHeight,
    openingAngle: openingAngle === null ? null : round(openingAngle, 2),
    closingAngle: closingAngle === null ? null : round(closingAngle, 2),
    centerlineAngle: centerlineAngle === null ? null : round(centerlineAngle, 2),
    durationCamDegrees: round(durationCamDegrees, 2),
    durationCrankDegrees: round(durationCamDegrees * 2, 2),
    symmetric: isSymmetric(points, centerlineAngle ?? peak.angle),
  };
}

/** Maximum lift of a profile (largest minus smallest radius), without the rest of the analysis. */
export function maxLiftOf(points: readonly ProfilePoint[]): number {
  let min = Infinity;
  let max = -Infinity;
  for (const { radius } of points) {
    if (radius < min) min = radius;
    if (radius > max) max = radius;
  }
  return max - min;
}

export function resolveCheckingHeight(height: CheckingHeight): number {
  return typeof height === 'number' ? height : CHECKING_HEIGHTS[height];
}

function isSymmetric(points: readonly ProfilePoint[], centerline: number): boolean {
  return points.every((point) => Math.abs(radiusAt(points, normalizeAngle(2 * centerline - point.angle)) - point.radius) <= SYMMETRY_TOLERANCE_MM);
}

/** Radius at any angle, interpolated between the samples around it (wrapping at 360). */
function radiusAt(points: readonly ProfilePoint[], angle: number): number {
  let low = 0;
  let high = points.length - 1;
  if (angle < points[0]!.angle || angle >= points[high]!.angle) {
    const last = points[high]!;
    const first = points[0]!;
    const span = first.angle + 360 - last.angle;
    const offset = angle >= last.angle ? angle - last.angle : angle + 360 - last.angle;
    return last.radius + (first.radius - last.radius) * (offset / span);
  }
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (points[middle]!.angle <= angle) low = middle;
    else high = middle;
  }
  const from = points[low]!;
  const to = points[high]!;
  return from.radius + (to.radius - from.radius) * ((angle - from.angle) / (to.angle - from.angle));
}

function normalizeAngle(angle: number): number {
  const wrapped = angle % 360;
  return wrapped < 0 ? wrapped + 360 : wrapped;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
