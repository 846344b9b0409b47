/**
 * 8. Cam profiles: build a lobe profile, analyse it, store it, find cams by lift and duration, and edit one safely
 * while someone else edits it too.
 *
 *   npm run example -- cam-profiles
 */
import { analyzeProfile, ConflictError, connect, type ProfilePoint } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';

/**
 * A lobe is described by its radius at each cam angle, 0 to 359 degrees, one sample per degree (360 points; finer
 * sampling, every 0.5 or 0.1 degree, works the same). The smallest radius is the base circle; lift at an angle is the
 * radius there minus the base circle radius. This one rises over `opening` cam degrees to `lift` at 180 degrees and
 * falls over `closing` degrees: with opening != closing the lobe is asymmetric, as many modern lobes are.
 */
function buildLobe({ baseCircle, lift, opening, closing }: { baseCircle: number; lift: number; opening: number; closing: number }): ProfilePoint[] {
  return Array.from({ length: 360 }, (_, angle) => {
    const flank = angle < 180 ? opening : closing;
    const x = Math.abs(angle - 180) / flank; // 0 at the nose, 1 where the flank meets the base circle
    const rise = x >= 1 ? 0 : ((1 + Math.cos(Math.PI * x)) / 2) ** 1.5; // smooth at both ends: no jerk spike
    return { angle, radius: Math.round((baseCircle + lift * rise) * 1e4) / 1e4 };
  });
}

const database = await exampleDatabase();
const db = connect({ url: database.url });
try {
  await db.migrate();
  const user = await db.users.upsert({ id: 'user_grinder', email: 'grinder@example.com' });
  const project = await db.projects.create(user.id, { name: 'Cam catalogue' });

  // Duration only means something with the lift it is measured at: advertised (0.006 in), 0.050 in (1.27 mm), or the
  // metric makers' 1 mm. Compare cams at the same checking height. Cam degrees x 2 = crank degrees.
  const intake = buildLobe({ baseCircle: 18, lift: 11.43, opening: 72, closing: 72 });
  const at1mm = analyzeProfile(intake); // 1 mm unless told otherwise
  const at050 = analyzeProfile(intake, { checkingHeight: '0.050in' });
  console.log(`base circle ${at1mm.baseCircleRadius} mm, max lift ${at1mm.maxLift} mm at ${at1mm.maxLiftAngle} deg`);
  console.log(`duration at 1 mm: ${at1mm.durationCamDegrees} cam deg = ${at1mm.durationCrankDegrees} crank deg`);
  console.log(`duration at 0.050 in: ${at050.durationCrankDegrees} crank deg, centreline ${at050.centerlineAngle} deg, symmetric: ${at050.symmetric}`);

  // Store it. `lift` must be the profile's maximum lift (within 0.01 mm): a profile and a lift that disagree are
  // refused, never silently "fixed". The stored cam comes back with the same analysis at 1 mm.
  const stored = await db.cams.create(user.id, project.id, {
    name: `Intake ${Math.round(at1mm.durationCrankDegrees)} @ 1 mm`,
    camType: 'intake',
    lift: at1mm.maxLift,
    duration: Math.round(at1mm.durationCrankDegrees),
    profilePoints: intake,
  });
  console.log(`stored "${stored.name}" v${stored.version}: ${stored.profilePoints!.length} points, ${stored.profileAnalysis!.durationCrankDegrees} crank deg at 1 mm`);

  // A catalogue of lobes, asymmetric ones among them, in one multi-row statement.
  const catalogue = [
    { lift: 9.65, opening: 62, closing: 66 },
    { lift: 10.41, opening: 66, closing: 70 },
    { lift: 12.07, opening: 74, closing: 80 },
    { lift: 13.34, opening: 80, closing: 86 },
  ].map((shape, index) => {
    const profilePoints = buildLobe({ baseCircle: 18, ...shape });
    const analysis = analyzeProfile(profilePoints);
    return {
      name: `Exhaust ${index + 1}`,
      camType: 'exhaust' as const,
      lift: analysis.maxLift,
      duration: Math.round(analysis.durationCrankDegrees),
      profilePoints,
    };
  });
  await db.cams.createMany(user.id, project.id, catalogue);

  // Query by ranges: lift in mm, duration in the degrees stored with each cam.
  const strong = await db.cams.list(user.id, project.id, { camType: 'exhaust', liftMin: 10, durationMin: 200, durationMax: 240 });
  console.log(`exhaust lobes with at least 10 mm lift and 200-240 deg: ${strong.items.map((cam) => `${cam.name} (${cam.lift} mm, ${cam.duration} deg)`).join(', ')}`);

  // Two browser tabs edit the same cam. Each sends the version it read; the second save is refused, not lost.
  const tabOne = await db.cams.get(user.id, stored.id);
  const tabTwo = await db.cams.get(user.id, stored.id);
  const saved = await db.cams.update(user.id, stored.id, { name: `${stored.name}, advanced 2 deg` }, { expectedVersion: tabOne.version });
  console.log(`tab one saved: v${saved.version}`);
  try {
    await db.cams.update(user.id, stored.id, { duration: 270 }, { expectedVersion: tabTwo.version });
  } catch (error) {
    if (error instanceof ConflictError) console.log(`tab two refused: ${error.message}`);
  }

  // A regrind: a new profile and its new lift in one update.
  const reground = buildLobe({ baseCircle: 17.5, lift: 11.94, opening: 74, closing: 76 });
  const updated = await db.cams.update(user.id, stored.id, { profilePoints: reground, lift: analyzeProfile(reground).maxLift }, { expectedVersion: saved.version });
  console.log(`reground: v${updated.version}, ${updated.lift} mm, ${updated.profileAnalysis!.durationCrankDegrees} crank deg at 1 mm, symmetric: ${updated.profileAnalysis!.symmetric}`);
} finally {
  await db.close();
  await database.stop();
}
