import { beforeAll, describe, expect, it } from 'vitest';
import { camSchema, camSummarySchema, ConflictError, NotFoundError, ValidationError } from '../../src/index.ts';
import { camInput, createUser, createUserWithProject, lobeProfile } from '../support/fixtures.ts';
import { refusingCamsNamed } from '../support/refusing-cams.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

describe('cams.create and cams.get', () => {
  it('store a cam with its profile and return it with the figures derived from the profile', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const created = await database.db.cams.create(user.id, project.id, camInput({ name: 'Intake 268', lift: 11.43, duration: 268 }));
    expect(camSchema.parse(created)).toEqual(created);
    expect(created).toMatchObject({ projectId: project.id, name: 'Intake 268', camType: 'intake', lift: 11.43, duration: 268, version: 1, hasProfile: true });
    expect(created.profilePoints).toHaveLength(360);
    expect(created.profileAnalysis).toMatchObject({ baseCircleRadius: 18, maxLift: 11.43, maxLiftAngle: 180, checkingHeight: 1, symmetric: true });

    const read = await database.db.cams.get(user.id, created.id);
    expect(read).toEqual(created);
    expect(JSON.parse(JSON.stringify(read))).toEqual(read);
  });

  it('store a cam without a profile', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput({ profilePoints: undefined }));
    expect(cam).toMatchObject({ hasProfile: false, profilePoints: null, profileAnalysis: null });
  });

  it('raise NotFoundError for a missing project or cam', async () => {
    const { user } = await createUserWithProject(database.db);
    await expect(database.db.cams.create(user.id, 2_000_000_000, camInput())).rejects.toMatchObject({ entity: 'Project', id: 2_000_000_000 });
    await expect(database.db.cams.get(user.id, 2_000_000_000)).rejects.toMatchObject({ entity: 'Cam' });
  });

  it('refuse an id that cannot be one', async () => {
    const { user } = await createUserWithProject(database.db);
    await expect(database.db.cams.get(user.id, -1)).rejects.toBeInstanceOf(ValidationError);
    await expect(database.db.cams.get(user.id, 1.5)).rejects.toBeInstanceOf(ValidationError);
    await expect(database.db.cams.get(user.id, 3_000_000_000)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('cams.createMany', () => {
  it('creates all cams in input order, without their profiles in the result', async () => {
    const { user, project } = await createUserWithProject(database.db);
    // Names in no order a sort could restore: only the input order gives this sequence.
    const inputs = Array.from({ length: 120 }, (_, i) => camInput({ name: `Lobe ${(i * 37) % 120}`, camType: i % 2 ? 'exhaust' : 'intake' }));
    const created = await database.db.cams.createMany(user.id, project.id, inputs);
    expect(created.map((cam) => cam.name)).toEqual(inputs.map((input) => input.name));
    // Ids follow the input too, so a list (by id) reads the cams back in the order they were given.
    expect(created.map((cam) => cam.id)).toEqual(created.map((cam) => cam.id).sort((a, b) => a - b));
    expect((await database.db.cams.list(user.id, project.id, { limit: 200 })).items.map((cam) => cam.name)).toEqual(inputs.map((input) => input.name));
    expect(created.map(({ camType, lift, duration }) => ({ camType, lift, duration }))).toEqual(inputs.map(({ camType, lift, duration }) => ({ camType, lift, duration })));
    expect(created.every((cam) => camSummarySchema.safeParse(cam).success && cam.hasProfile)).toBe(true);
    expect((await database.db.cams.get(user.id, created[119]!.id)).profilePoints).toEqual(inputs[119]!.profilePoints);
  });

  it('writes none when one input is invalid, naming its index', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const inputs = [camInput({ name: 'fine' }), camInput({ name: 'broken', duration: 0 })];
    const error = await database.db.cams.createMany(user.id, project.id, inputs).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([[1, 'duration']]);
    expect((await database.db.cams.list(user.id, project.id)).items).toEqual([]);
  });

  it('splits thousands of cams into a few statements and stays all-or-nothing', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const inputs = Array.from({ length: 2100 }, (_, i) => camInput({ name: `Bulk ${(i * 11) % 2100}`, profilePoints: undefined, lift: 10 }));
    const created = await database.db.cams.createMany(user.id, project.id, inputs);
    expect(created.map((cam) => cam.name)).toEqual(inputs.map((input) => input.name));
    expect(new Set(created.map((cam) => cam.id)).size).toBe(2100);

    // The database refuses the last cam, in the third statement: the 2,000 written before it go too.
    const { project: other } = await createUserWithProject(database.db);
    await refusingCamsNamed(database.url, inputs.at(-1)!.name, async () => {
      await expect(database.db.cams.createMany(other.userId, other.id, inputs)).rejects.toThrow(/refused in the test/);
    });
    expect((await database.db.cams.list(other.userId, other.id)).items).toEqual([]);
  });

  it("copies 25 cams and more inside the caller's transaction: they go when it rolls back", async () => {
    const { user, project } = await createUserWithProject(database.db);
    const inputs = Array.from({ length: 150 }, (_, i) => camInput({ name: `Copied ${i}` }));
    const transaction = database.db.transaction(async (tx) => {
      expect(await tx.cams.createMany(user.id, project.id, inputs)).toHaveLength(150);
      expect((await tx.cams.list(user.id, project.id, { limit: 200 })).items).toHaveLength(150);
      throw new Error('changed my mind');
    });
    await expect(transaction).rejects.toThrow('changed my mind');
    expect((await database.db.cams.list(user.id, project.id)).items).toEqual([]);
  });

  it('copies twice in one transaction, into two projects, each write with its own cams only', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const second = await database.db.projects.create(user.id, { name: 'Second' });
    const named = (prefix: string) => Array.from({ length: 30 }, (_, i) => camInput({ name: `${prefix} ${i}` }));
    await database.db.transaction(async (tx) => {
      expect((await tx.cams.createMany(user.id, project.id, named('First'))).map((cam) => cam.name)).toEqual(named('First').map((cam) => cam.name));
      expect((await tx.cams.createMany(user.id, second.id, named('Second'))).map((cam) => cam.name)).toEqual(named('Second').map((cam) => cam.name));
    });
    expect((await database.db.cams.list(user.id, project.id)).items.map((cam) => cam.name)).toEqual(named('First').map((cam) => cam.name));
    expect((await database.db.cams.list(user.id, second.id)).items.map((cam) => cam.name)).toEqual(named('Second').map((cam) => cam.name));
  });

  it("copies nothing into another user's project, even when the caller's transaction goes on to commit", async () => {
    const { user, project } = await createUserWithProject(database.db);
    const intruder = await createUser(database.db, 'intruder');
    await database.db.transaction(async (tx) => {
      await expect(tx.cams.createMany(intruder.id, project.id, Array.from({ length: 30 }, () => camInput()))).rejects.toBeInstanceOf(NotFoundError);
    });
    expect((await database.db.cams.list(user.id, project.id)).items).toEqual([]);
  });

  it('refuses an empty list', async () => {
    const { user, project } = await createUserWithProject(database.db);
    await expect(database.db.cams.createMany(user.id, project.id, [])).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('cams.list', () => {
  let userId: string;
  let projectId: number;

  beforeAll(async () => {
    const { user, project } = await createUserWithProject(database.db);
    userId = user.id;
    projectId = project.id;
    await database.db.cams.createMany(userId, projectId, [
      camInput({ name: 'Mild intake', lift: 9.5, duration: 240, profilePoints: undefined }),
      camInput({ name: 'Mild exhaust', camType: 'exhaust', lift: 9.8, duration: 248, profilePoints: undefined }),
      camInput({ name: 'Street intake', lift: 11.43, duration: 268 }),
      camInput({ name: 'Street exhaust', camType: 'exhaust', lift: 11.2, duration: 276, profilePoints: undefined }),
      camInput({ name: 'Race intake', lift: 14.0, duration: 300, profilePoints: undefined }),
    ]);
  });

  it('lists a project’s cams oldest first, without profile points', async () => {
    const page = await database.db.cams.list(userId, projectId);
    expect(page.items.map((cam) => cam.name)).toEqual(['Mild intake', 'Mild exhaust', 'Street intake', 'Street exhaust', 'Race intake']);
    expect(page.nextCursor).toBeNull();
    expect(page.items[2]).not.toHaveProperty('profilePoints');
  });

  it('filters by cam type and by lift and duration ranges (bounds included)', async () => {
    const names = async (options: Parameters<typeof database.db.cams.list>[2]) =>
      (await database.db.cams.list(userId, projectId, options)).items.map((cam) => cam.name);
    expect(await names({ camType: 'exhaust' })).toEqual(['Mild exhaust', 'Street exhaust']);
    expect(await names({ liftMin: 9.8, liftMax: 11.43 })).toEqual(['Mild exhaust', 'Street intake', 'Street exhaust']);
    expect(await names({ durationMin: 268, durationMax: 276, camType: 'intake' })).toEqual(['Street intake']);
    expect(await names({ durationMin: 301 })).toEqual([]);
  });

  it('pages with a cursor, filters kept', async () => {
    const first = await database.db.cams.list(userId, projectId, { limit: 2, camType: 'intake' });
    expect(first.items.map((cam) => cam.name)).toEqual(['Mild intake', 'Street intake']);
    const second = await database.db.cams.list(userId, projectId, { limit: 2, camType: 'intake', after: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ name: 'Race intake' })], nextCursor: null });
  });

  it('refuses inverted ranges, a page size over 1,000 and a foreign cursor', async () => {
    await expect(database.db.cams.list(userId, projectId, { liftMin: 12, liftMax: 10 })).rejects.toThrow(/liftMin must not exceed liftMax/);
    await expect(database.db.cams.list(userId, projectId, { limit: 1001 })).rejects.toBeInstanceOf(ValidationError);
    await expect(database.db.cams.list(userId, projectId, { after: 'bm90IGEgY3Vyc29y' })).rejects.toThrow(/not a cursor of this list/);
  });

  it('raises NotFoundError for a project that does not exist, and returns [] for one without cams', async () => {
    await expect(database.db.cams.list(userId, 2_000_000_000)).rejects.toBeInstanceOf(NotFoundError);
    const empty = await database.db.projects.create(userId, { name: 'Empty' });
    expect(await database.db.cams.list(userId, empty.id)).toEqual({ items: [], nextCursor: null });
  });
});

describe('cams.update', () => {
  it('changes the given fields, increments the version and refreshes updatedAt', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    const updated = await database.db.cams.update(user.id, cam.id, { name: 'Renamed', duration: 270 });
    expect(updated).toMatchObject({ name: 'Renamed', duration: 270, lift: cam.lift, version: 2, createdAt: cam.createdAt });
    expect(updated.profilePoints).toEqual(cam.profilePoints);
    expect(updated.updatedAt > cam.updatedAt).toBe(true);
  });

  it('replaces the profile together with its lift, and removes it with null', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    const reground = await database.db.cams.update(user.id, cam.id, { lift: 12.7, profilePoints: lobeProfile({ lift: 12.7 }) }, { expectedVersion: 1 });
    expect(reground).toMatchObject({ lift: 12.7, version: 2, profileAnalysis: expect.objectContaining({ maxLift: 12.7 }) });
    const bare = await database.db.cams.update(user.id, cam.id, { profilePoints: null });
    expect(bare).toMatchObject({ hasProfile: false, profilePoints: null, profileAnalysis: null, lift: 12.7 });
  });

  it('checks a new lift against the stored profile, and a new profile against the stored lift', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput({ lift: 11.43 }));
    await expect(database.db.cams.update(user.id, cam.id, { lift: 12 })).rejects.toThrow(/lift 12 mm does not match the profile's maximum lift 11\.4300 mm/);
    await expect(database.db.cams.update(user.id, cam.id, { profilePoints: lobeProfile({ lift: 9 }) })).rejects.toThrow(
      /lift 11\.43 mm does not match the profile's maximum lift 9\.0000 mm/,
    );
    await expect(database.db.cams.update(user.id, cam.id, { profilePoints: lobeProfile({ lift: 11.435 }) })).resolves.toMatchObject({ version: 2 });
    expect((await database.db.cams.get(user.id, cam.id)).version).toBe(2);
  });

  it('refuses a stale expectedVersion with ConflictError and changes nothing', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    await database.db.cams.update(user.id, cam.id, { name: 'Tab one' }, { expectedVersion: 1 });
    await expect(database.db.cams.update(user.id, cam.id, { name: 'Tab two' }, { expectedVersion: 1 })).rejects.toThrow(
      /is at version 2, not 1/,
    );
    expect(await database.db.cams.get(user.id, cam.id)).toMatchObject({ name: 'Tab one', version: 2 });
  });

  it('lets exactly one of two concurrent editors of the same version win', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    for (let round = 0; round < 5; round++) {
      const { version } = await database.db.cams.get(user.id, cam.id);
      const results = await Promise.allSettled([
        database.db.cams.update(user.id, cam.id, { name: `left ${round}` }, { expectedVersion: version }),
        database.db.cams.update(user.id, cam.id, { name: `right ${round}` }, { expectedVersion: version }),
      ]);
      const winners = results.filter((result) => result.status === 'fulfilled');
      const losers = results.filter((result) => result.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers[0]!.reason).toBeInstanceOf(ConflictError);
      const stored = await database.db.cams.get(user.id, cam.id);
      expect(stored).toMatchObject({ version: version + 1, name: (winners[0] as PromiseFulfilledResult<{ name: string }>).value.name });
    }
  });

  it('refuses an empty patch and raises NotFoundError for a missing cam', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    await expect(database.db.cams.update(user.id, cam.id, {})).rejects.toBeInstanceOf(ValidationError);
    await expect(database.db.cams.update(user.id, 2_000_000_000, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(database.db.cams.update(user.id, 2_000_000_000, { name: 'x' }, { expectedVersion: 3 })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('cams.delete', () => {
  it('deletes the cam, then reports it missing', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    await database.db.cams.delete(user.id, cam.id);
    await expect(database.db.cams.get(user.id, cam.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(database.db.cams.delete(user.id, cam.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
