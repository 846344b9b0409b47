import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/index.ts';
import { camInput, createUserWithProject, lobeProfile } from '../support/fixtures.ts';
import { CALLERS, countRows, race, RACING_POOL } from '../support/races.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase({ connect: RACING_POOL });
const db = () => database.db;

describe('cams.create and cams.createMany raced', () => {
  it('by a double submit of one cam many times over: each acknowledged call is one cam', async () => {
    const { user, project } = await createUserWithProject(db());
    const outcomes = await race(() => db().cams.create(user.id, project.id, camInput()));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    expect(await countRows(database.owner, 'select 1 from cams where project_id = ?', [project.id])).toBe(CALLERS);
  });

  it.each([
    ['3 cams, one statement', 3],
    ['30 cams, streamed with COPY', 30],
  ])('by a double submit of %s: every acknowledged call wrote all its cams, in order', async (_name, count) => {
    const { user, project } = await createUserWithProject(db());
    const inputs = Array.from({ length: count }, (_, index) => camInput({ name: `Lobe ${index}` }));
    const outcomes = await race(() => db().cams.createMany(user.id, project.id, inputs));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    for (const created of outcomes.results) expect(created.map((cam) => cam.name)).toEqual(inputs.map((cam) => cam.name));
    expect(await countRows(database.owner, 'select 1 from cams where project_id = ?', [project.id])).toBe(CALLERS * count);
  });
});

describe('cams.update raced', () => {
  it('by editors holding one expectedVersion: exactly one wins, the others get ConflictError and change nothing', async () => {
    const { user, project } = await createUserWithProject(db());
    const cam = await db().cams.create(user.id, project.id, camInput());
    const outcomes = await race((caller) => db().cams.update(user.id, cam.id, { name: `Editor ${caller}` }, { expectedVersion: cam.version }));
    expect(outcomes.results).toHaveLength(1);
    const errors = outcomes.failedOnlyWith(ConflictError);
    expect(errors).toHaveLength(CALLERS - 1);
    for (const error of errors) expect((error as ConflictError).retryable).toBe(false);
    const stored = await db().cams.get(user.id, cam.id);
    expect(stored).toEqual(outcomes.results[0]);
    expect(stored.version).toBe(cam.version + 1);
  });

  it('by edits without a version: every edit applies once, each at its own version', async () => {
    const { user, project } = await createUserWithProject(db());
    const cam = await db().cams.create(user.id, project.id, camInput({ profilePoints: undefined }));
    const outcomes = await race((caller) => db().cams.update(user.id, cam.id, { duration: 200 + caller }));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    const versions = outcomes.results.map((updated) => updated.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: CALLERS }, (_, index) => cam.version + 1 + index));
    const stored = await db().cams.get(user.id, cam.id);
    expect(stored).toEqual(outcomes.results.find((updated) => updated.version === stored.version));
  });

  it('by lift and profile edits checked against each other: each applies to an agreeing cam or is refused', async () => {
    const { user, project } = await createUserWithProject(db());
    const cam = await db().cams.create(user.id, project.id, camInput({ lift: 10 }));
    const outcomes = await race((caller) => {
      const lift = caller % 2 ? 10 : 12;
      // A new profile against the stored lift, or a new lift against the stored profile: whether they agree depends
      // on which edit came first.
      return caller % 4 < 2 ? db().cams.update(user.id, cam.id, { profilePoints: lobeProfile({ lift }) }) : db().cams.update(user.id, cam.id, { lift });
    });
    // An edit whose check kept failing and passing again as the others landed is refused as retryable.
    for (const error of outcomes.failedOnlyWith(ValidationError, ConflictError)) {
      if (error instanceof ConflictError) expect(error.retryable).toBe(true);
    }
    // Whatever the order, the cam as stored has a lift that matches its profile.
    const stored = await db().cams.get(user.id, cam.id);
    expect(stored.profileAnalysis!.maxLift).toBeCloseTo(stored.lift, 2);
  });

  it('while the cam is deleted: each edit a result or NotFoundError', async () => {
    const { user, project } = await createUserWithProject(db());
    const cam = await db().cams.create(user.id, project.id, camInput());
    const outcomes = await race<unknown>((caller) => (caller === CALLERS / 2 ? db().cams.delete(user.id, cam.id) : db().cams.update(user.id, cam.id, { duration: 250 })));
    outcomes.failedOnlyWith(NotFoundError);
    expect(outcomes.settled[CALLERS / 2]!.status).toBe('fulfilled');
    expect(await countRows(database.owner, 'select 1 from cams where id = ?', [cam.id])).toBe(0);
  });
});

describe('cams.delete raced', () => {
  it('by the same delete many times: one deletes, the others find nothing', async () => {
    const { user, project } = await createUserWithProject(db());
    const cam = await db().cams.create(user.id, project.id, camInput());
    const outcomes = await race(() => db().cams.delete(user.id, cam.id));
    expect(outcomes.results).toHaveLength(1);
    expect(outcomes.failedOnlyWith(NotFoundError)).toHaveLength(CALLERS - 1);
  });
});
