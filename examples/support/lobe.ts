import type { ProfilePoint } from '@enginecampro/db';

/**
 * A lobe profile sampled every cam degree (360 points): the base circle, then a smooth rise to `lift` and back,
 * centred at 180 degrees over `span` cam degrees. Example 8 explains how such a profile is built.
 */
export function lobeProfile({ baseCircle = 18, lift = 11.43, span = 160 } = {}): ProfilePoint[] {
  return Array.from({ length: 360 }, (_, angle) => {
    const x = Math.abs(angle - 180) / (span / 2);
    const rise = x >= 1 ? 0 : ((1 + Math.cos(Math.PI * x)) / 2) ** 1.5;
    return { angle, radius: Math.round((baseCircle + lift * rise) * 1e4) / 1e4 };
  });
}
