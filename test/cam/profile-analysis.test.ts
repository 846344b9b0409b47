import { describe, expect, it } from 'vitest';
import { analyzeProfile, CHECKING_HEIGHTS, type ProfilePoint } from '../../src/index.ts';
import { lobeProfile } from '../support/fixtures.ts';

/** A lobe whose lift rises linearly over 60 cam degrees and falls back over 60: durations are exact by hand. */
function triangularLobe(center = 180, lift = 12, base = 18): ProfilePoint[] {
  return Array.from({ length: 360 }, (_, angle) => {
    const distance = Math.min(Math.abs(angle - center), 360 - Math.abs(angle - center));
    return { angle, radius: base + Math.max(0, lift * (1 - distance / 60)) };
  });
}

describe('analyzeProfile', () => {
  it('finds base circle, maximum lift and its angle', () => {
    const analysis = analyzeProfile(lobeProfile({ baseCircle: 18, lift: 11.43 }));
    expect(analysis).toMatchObject({ baseCircleRadius: 18, maxLift: 11.43, maxLiftAngle: 180 });
  });

  it('measures duration above the checking height in cam and crank degrees (1 mm by default)', () => {
    // Lift is 12 * (1 - d/60): at least 1 mm while d <= 55, so 110 cam degrees, 220 crank degrees.
    const analysis = analyzeProfile(triangularLobe());
    expect(analysis).toMatchObject({
      checkingHeight: 1,
      openingAngle: 125,
      closingAngle: 235,
      centerlineAngle: 180,
      durationCamDegrees: 110,
      durationCrankDegrees: 220,
    });
  });

  it('accepts 0.050 in, 0.006 in, 0.1 mm or any height in mm; duration shrinks as the height grows', () => {
    const points = triangularLobe();
    const at050 = analyzeProfile(points, { checkingHeight: '0.050in' });
    expect(at050.checkingHeight).toBe(CHECKING_HEIGHTS['0.050in']);
    // d <= 60 * (1 - 1.27 / 12) = 53.65 on each side
    expect(at050.durationCamDegrees).toBeCloseTo(107.3, 1);
    expect(analyzeProfile(points, { checkingHeight: 6 }).durationCamDegrees).toBeCloseTo(60, 6);
    expect(analyzeProfile(points, { checkingHeight: '0.006in' }).durationCamDegrees).toBeGreaterThan(at050.durationCamDegrees);
    expect(analyzeProfile(points, { checkingHeight: '0.1mm' }).durationCrankDegrees).toBeCloseTo(2 * 2 * 60 * (1 - 0.1 / 12), 1);
  });

  it('handles a lobe that straddles 0 degrees', () => {
    const analysis = analyzeProfile(triangularLobe(10));
    expect(analysis).toMatchObject({ openingAngle: 315, closingAngle: 65, centerlineAngle: 10, durationCamDegrees: 110, maxLiftAngle: 10 });
  });

  it('reports zero duration when the lobe never reaches the checking height', () => {
    expect(analyzeProfile(triangularLobe(180, 0.5), { checkingHeight: 1 })).toMatchObject({
      durationCamDegrees: 0,
      openingAngle: null,
      closingAngle: null,
      centerlineAngle: null,
    });
  });

  it('tells symmetric lobes from asymmetric ones, and never requires symmetry', () => {
    expect(analyzeProfile(lobeProfile()).symmetric).toBe(true);
    expect(analyzeProfile(triangularLobe()).symmetric).toBe(true);
    const asymmetric = analyzeProfile(lobeProfile({ asymmetry: 16 }));
    expect(asymmetric.symmetric).toBe(false);
    expect(asymmetric.durationCamDegrees).toBeGreaterThan(0);
  });

  it('is the same for a profile sampled every 0.5 degree as every degree', () => {
    const coarse = analyzeProfile(triangularLobe());
    const fine = analyzeProfile(
      Array.from({ length: 720 }, (_, i) => {
        const angle = i / 2;
        const distance = Math.min(Math.abs(angle - 180), 360 - Math.abs(angle - 180));
        return { angle, radius: 18 + Math.max(0, 12 * (1 - distance / 60)) };
      }),
    );
    expect(fine.durationCamDegrees).toBeCloseTo(coarse.durationCamDegrees, 6);
  });
});
