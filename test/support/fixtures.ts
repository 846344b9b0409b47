import type { CamInput, Database, ProfilePoint } from '../../src/index.ts';

export interface LobeShape {
  /** Smallest radius, mm. */
  baseCircle?: number;
  /** Maximum lift, mm, two decimals. */
  lift?: number;
  /** Cam degrees from the start of the opening ramp to the end of the closing ramp. */
  span?: number;
  /** Samples per degree: 1 gives 360 points. */
  perDegree?: number;
  /** Closing flank this much longer than the opening one (cam degrees); 0 for a symmetric lobe. */
  asymmetry?: number;
}

/**
 * A realistic lobe profile centred at 180 cam degrees: base circle everywhere else, a smooth rise to `lift` and back.
 * The peak falls on a sample, so the profile's maximum lift is exactly `lift`.
 */
export function lobeProfile(shape: LobeShape = {}): ProfilePoint[] {
  const { baseCircle = 18, lift = 11.43, span = 140, perDegree = 1, asymmetry = 0 } = shape;
  const opening = span / 2 - asymmetry / 2;
  const closing = span / 2 + asymmetry / 2;
  const points: ProfilePoint[] = [];
  for (let i = 0; i < 360 * perDegree; i++) {
    const angle = Math.round((i / perDegree) * 1000) / 1000;
    const offset = angle - 180;
    const half = offset < 0 ? opening : closing;
    const x = Math.abs(offset) / half;
    const rise = x >= 1 ? 0 : ((1 + Math.cos(Math.PI * x)) / 2) ** 1.5;
    points.push({ angle, radius: Math.round((baseCircle + lift * rise) * 1e6) / 1e6 });
  }
  return points;
}

/** A valid cam input, with a profile unless `profilePoints: undefined` is passed. */
export function camInput(overrides: Partial<CamInput> = {}): CamInput {
  const lift = overrides.lift ?? 11.43;
  return {
    name: 'Intake lobe',
    camType: 'intake',
    lift,
    duration: 268,
    profilePoints: lobeProfile({ lift }),
    ...overrides,
  };
}

let sequence = 0;

/** A new user with a unique id and e-mail address. */
export async function createUser(db: Database, label = 'user') {
  sequence++;
  return db.users.upsert({ id: `${label}_${process.pid}_${sequence}`, email: `${label}.${process.pid}.${sequence}@example.com` });
}

/** A new user with one project. */
export async function createUserWithProject(db: Database, label = 'owner') {
  const user = await createUser(db, label);
  const project = await db.projects.create(user.id, { name: `${label}'s project` });
  return { user, project };
}
