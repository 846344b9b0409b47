import type { CamInput, ProfilePoint } from '../../src/index.ts';
import { between, integerBetween } from './random.ts';

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/**
 * A lobe sampled once per cam degree: base circle everywhere but a smooth rise and fall (cosine flanks raised to a
 * power, as on real lobes the acceleration ramps in gently), the closing flank optionally longer than the opening one.
 * The peak sits on a sample, so the largest radius minus the smallest is the lift asked for, up to radius rounding.
 */
export function lobeProfile(baseCircle: number, lift: number, eventDegrees: number, asymmetry: number): ProfilePoint[] {
  const opening = eventDegrees / 2 - asymmetry / 2;
  const closing = eventDegrees / 2 + asymmetry / 2;
  const points: ProfilePoint[] = [];
  for (let angle = 0; angle < 360; angle++) {
    const offset = angle - 180;
    const x = Math.abs(offset) / (offset < 0 ? opening : closing);
    const rise = x >= 1 ? 0 : ((1 + Math.cos(Math.PI * x)) / 2) ** 1.6;
    points.push({ angle, radius: round(baseCircle + lift * rise, 4) });
  }
  return points;
}

/** A valid cam whose `lift` is its profile's maximum lift to 0.01 mm, as the package requires. */
export function randomCam(random: () => number, name: string): CamInput {
  const baseCircle = round(between(random, 17.5, 18.5), 3);
  const eventDegrees = integerBetween(random, 120, 160);
  const profilePoints = lobeProfile(baseCircle, between(random, 8, 14), eventDegrees, integerBetween(random, 0, 12));
  let min = Infinity;
  let max = -Infinity;
  for (const { radius } of profilePoints) {
    min = Math.min(min, radius);
    max = Math.max(max, radius);
  }
  const lift = round(max - min, 2);
  if (Math.abs(lift - (max - min)) > 0.01) throw new Error(`lift ${lift} does not match its profile (${max - min})`);
  return {
    name,
    camType: random() < 0.5 ? 'intake' : 'exhaust',
    lift,
    // Advertised duration in crank degrees: the camshaft turns once per two crank turns.
    duration: eventDegrees * 2,
    profilePoints,
  };
}
