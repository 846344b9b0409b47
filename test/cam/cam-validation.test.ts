import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, type CamInput } from '../../src/index.ts';
import { camInput, createUserWithProject, lobeProfile } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
let userId: string;
let projectId: number;

beforeAll(async () => {
  const { user, project } = await createUserWithProject(database.db, 'rules');
  userId = user.id;
  projectId = project.id;
});

async function refusal(input: unknown): Promise<ValidationError> {
  const error = await database.db.cams.create(userId, projectId, input as CamInput).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

function paths(error: ValidationError): string[] {
  return error.issues.map((issue) => issue.path.join('.'));
}

const profile = lobeProfile();

describe('cam input rules: each refused with the field named, and nothing written', () => {
  it.each<[string, Partial<CamInput>, string]>([
    ['an empty name', { name: '' }, 'name'],
    ['a name of spaces only (checked after trimming)', { name: '   ' }, 'name'],
    ['a name longer than 255 characters', { name: 'n'.repeat(256) }, 'name'],
    ['a cam type other than intake or exhaust', { camType: 'rocker' as never }, 'camType'],
    ['a lift of zero', { lift: 0, profilePoints: undefined }, 'lift'],
    ['a negative lift', { lift: -1, profilePoints: undefined }, 'lift'],
    ['a lift above 999.99 mm', { lift: 1000, profilePoints: undefined }, 'lift'],
    ['a lift with three decimals (never rounded silently)', { lift: 11.435, profilePoints: undefined }, 'lift'],
    ['a lift that is not a number', { lift: '11.43' as never, profilePoints: undefined }, 'lift'],
    ['a fractional duration', { duration: 268.5 }, 'duration'],
    ['a duration of zero', { duration: 0 }, 'duration'],
    ['a duration above 720 degrees', { duration: 721 }, 'duration'],
    ['fewer than 3 profile points', { profilePoints: profile.slice(0, 2), lift: 0.01 }, 'profilePoints'],
    ['more than 3,600 profile points', { profilePoints: lobeProfile({ perDegree: 11 }) }, 'profilePoints'],
    ['an angle of 360 or more', { profilePoints: [...profile.slice(0, 359), { angle: 360, radius: 18 }] }, 'profilePoints.359.angle'],
    ['a negative angle', { profilePoints: [{ angle: -1, radius: 18 }, ...profile.slice(1)] }, 'profilePoints.0.angle'],
    ['angles not strictly increasing', { profilePoints: profile.map((p, i) => (i === 100 ? { ...p, angle: 99 } : p)) }, 'profilePoints.100.angle'],
    ['a repeated angle', { profilePoints: profile.map((p, i) => (i === 50 ? { ...p, angle: 49 } : p)) }, 'profilePoints.50.angle'],
    ['a radius of zero', { profilePoints: profile.map((p, i) => (i === 10 ? { ...p, radius: 0 } : p)) }, 'profilePoints.10.radius'],
    ['an infinite radius', { profilePoints: profile.map((p, i) => (i === 10 ? { ...p, radius: Infinity } : p)) }, 'profilePoints.10.radius'],
    ['a NaN angle', { profilePoints: profile.map((p, i) => (i === 10 ? { ...p, angle: NaN } : p)) }, 'profilePoints.10.angle'],
    ['a point with an unknown key', { profilePoints: profile.map((p, i) => (i === 5 ? { ...p, height: 1 } : p)) }, 'profilePoints.5.height'],
    ['a point that is not an object', { profilePoints: profile.map((p, i) => (i === 5 ? (7 as never) : p)) }, 'profilePoints.5'],
    ['profile points that are not an array', { profilePoints: { angle: 0, radius: 18 } as never }, 'profilePoints'],
    ['an unknown field', { colour: 'red' } as Partial<CamInput>, ''],
  ])('refuses %s', async (_rule, override, path) => {
    const error = await refusal({ ...camInput(), ...override });
    expect(paths(error)).toContain(path);
  });

  it('refuses a lift that disagrees with the profile, naming both values', async () => {
    const error = await refusal(camInput({ lift: 11.43, profilePoints: lobeProfile({ lift: 10.5 }) }));
    expect(paths(error)).toEqual(['lift']);
    expect(error.message).toMatch(/lift 11\.43 mm does not match the profile's maximum lift 10\.5000 mm/);
  });

  it('accepts a lift within 0.01 mm of the profile', async () => {
    const points = lobeProfile({ lift: 11.434 });
    await expect(database.db.cams.create(userId, projectId, camInput({ lift: 11.43, profilePoints: points }))).resolves.toMatchObject({ lift: 11.43 });
  });

  it('lists every problem at once, not only the first', async () => {
    const error = await refusal({ name: '', camType: 'rocker', lift: 1.234, duration: 0 });
    expect(paths(error).sort()).toEqual(['camType', 'duration', 'lift', 'name']);
  });

  it('stops listing a broken profile after 50 points, then counts the rest', async () => {
    const error = await refusal(camInput({ profilePoints: profile.map((p) => ({ ...p, radius: -1 })) }));
    expect(error.issues).toHaveLength(51);
    expect(error.issues.at(-1)!.message).toBe('310 more points are invalid');
  });

  it('writes nothing for any refused input', async () => {
    const { items } = await database.db.cams.list(userId, projectId);
    expect(items.map((cam) => cam.name)).toEqual(['Intake lobe']);
  });

  it('trims the name it stores', async () => {
    const cam = await database.db.cams.create(userId, projectId, camInput({ name: '  Exhaust B  ', camType: 'exhaust' }));
    expect(cam.name).toBe('Exhaust B');
  });

  it('takes asymmetric lobes and fine sampling (3,600 points)', async () => {
    const points = lobeProfile({ asymmetry: 20, perDegree: 10 });
    const cam = await database.db.cams.create(userId, projectId, camInput({ profilePoints: points }));
    expect(cam.profilePoints).toHaveLength(3600);
    expect(cam.profileAnalysis!.symmetric).toBe(false);
  });
});
