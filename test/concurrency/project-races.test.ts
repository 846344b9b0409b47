import { describe, expect, it } from 'vitest';
import { NotFoundError, type ProjectDocument } from '../../src/index.ts';
import { camInput, createUser, createUserWithProject } from '../support/fixtures.ts';
import { CALLERS, countRows, orphans, race, RACING_POOL } from '../support/races.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase({ connect: RACING_POOL });
const db = () => database.db;

/** An export document of `count` cams named `Lobe 0`, `Lobe 1`, ... */
function documentOf(count: number, name = 'Imported'): ProjectDocument {
  const cams = Array.from({ length: count }, (_, index) => {
    const { profilePoints, ...cam } = camInput({ name: `Lobe ${index}` });
    return { ...cam, profilePoints: profilePoints ?? null };
  });
  return { format: 'enginecampro.project', version: 1, exportedAt: new Date().toISOString(), project: { name, description: null, cams } };
}

/** Every project of the user with its number of cams, by name. */
async function camsPerProject(userId: string): Promise<{ name: string; cams: number }[]> {
  return database.owner.fork().execute(
    `select p.name, (select count(*)::int from cams c where c.project_id = p.id) as cams from projects p where p.user_id = ? order by p.id`,
    [userId],
  );
}

describe('projects.create raced', () => {
  it('by a double submit many times over: each acknowledged call is one project', async () => {
    const user = await createUser(db());
    const outcomes = await race(() => db().projects.create(user.id, { name: 'Double submitted' }));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    expect(new Set(outcomes.results.map((project) => project.id)).size).toBe(CALLERS);
    expect(await countRows(database.owner, 'select 1 from projects where user_id = ?', [user.id])).toBe(CALLERS);
  });
});

describe('projects.update raced', () => {
  it('by renames arriving together: each returns its own name, one of them stays', async () => {
    const { user, project } = await createUserWithProject(db());
    const outcomes = await race((caller) => db().projects.update(user.id, project.id, { name: `Name ${caller % 5}`, description: `from ${caller}` }));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    outcomes.results.forEach((updated, caller) => expect(updated).toMatchObject({ name: `Name ${caller % 5}`, description: `from ${caller}` }));
    const stored = await db().projects.get(user.id, project.id);
    expect(outcomes.results).toContainEqual(stored);
  });
});

describe('projects.delete raced', () => {
  it('by the same delete many times: one deletes the project and its cams, the others find nothing', async () => {
    const { user, project } = await createUserWithProject(db());
    await db().cams.createMany(user.id, project.id, [camInput(), camInput()]);
    const outcomes = await race(() => db().projects.delete(user.id, project.id));
    expect(outcomes.results).toHaveLength(1);
    expect(outcomes.failedOnlyWith(NotFoundError)).toHaveLength(CALLERS - 1);
    expect(await countRows(database.owner, 'select 1 from cams where project_id = ?', [project.id])).toBe(0);
  });

  it('while cams are written into it: no cam outlives it, every write a result or NotFoundError', async () => {
    const { user, project } = await createUserWithProject(db());
    const outcomes = await race<unknown>((caller) => {
      if (caller === CALLERS / 2) return db().projects.delete(user.id, project.id);
      if (caller % 3 === 0) return db().cams.create(user.id, project.id, camInput());
      if (caller % 3 === 1) return db().cams.createMany(user.id, project.id, Array.from({ length: 3 }, () => camInput()));
      return db().cams.createMany(user.id, project.id, Array.from({ length: 30 }, () => camInput())); // COPY
    });
    outcomes.failedOnlyWith(NotFoundError);
    expect(outcomes.settled[CALLERS / 2]!.status).toBe('fulfilled');
    expect(await countRows(database.owner, 'select 1 from cams where project_id = ?', [project.id])).toBe(0);
    expect(await orphans(database.owner)).toBe(0);
  });
});

describe('projects.duplicate raced', () => {
  it('while cams are added to the project: every copy is whole, and the project as it was at one moment', async () => {
    const { user, project } = await createUserWithProject(db());
    await db().cams.createMany(user.id, project.id, [camInput({ name: 'First' }), camInput({ name: 'Second' })]);
    const copies = new Map<number, string[]>();
    const outcomes = await race<unknown>(async (caller) => {
      if (caller % 2 === 0) return db().cams.create(user.id, project.id, camInput({ name: `Added ${caller}` }));
      const copy = await db().projects.duplicate(user.id, project.id, { name: `Copy ${caller}` });
      copies.set(copy.id, copy.cams.map((cam) => cam.name));
    });
    expect(outcomes.failedOnlyWith()).toEqual([]);
    const source = (await db().projects.get(user.id, project.id, { withCams: true })).cams.map((cam) => cam.name);
    for (const copy of await db().projects.list(user.id, { withCams: true, limit: 100, search: 'Copy' }).then((page) => page.items)) {
      const names = copy.cams.map((cam) => cam.name);
      expect(names.slice(0, 2)).toEqual(['First', 'Second']);
      expect(source).toEqual(expect.arrayContaining(names));
      // What the call returned is what was stored: no cam of a copy is added or lost after the call.
      expect(copies.get(copy.id)).toEqual(names);
    }
  });

  it('while the project is deleted: each copy is whole or NotFoundError, none is left half-written', async () => {
    const { user, project } = await createUserWithProject(db());
    await db().cams.createMany(user.id, project.id, Array.from({ length: 5 }, (_, index) => camInput({ name: `Lobe ${index}` })));
    const outcomes = await race<unknown>((caller) => (caller === CALLERS / 2 ? db().projects.delete(user.id, project.id) : db().projects.duplicate(user.id, project.id)));
    outcomes.failedOnlyWith(NotFoundError);
    for (const { cams } of await camsPerProject(user.id)) expect(cams).toBe(5);
  });

  it('while its user is deleted: every copy goes with the user, every call a result or NotFoundError', async () => {
    const { user, project } = await createUserWithProject(db());
    await db().cams.createMany(user.id, project.id, [camInput(), camInput()]);
    const outcomes = await race<unknown>((caller) => (caller === CALLERS / 2 ? db().users.delete(user.id) : db().projects.duplicate(user.id, project.id)));
    outcomes.failedOnlyWith(NotFoundError);
    expect(await countRows(database.owner, 'select 1 from projects where user_id = ?', [user.id])).toBe(0);
    expect(await orphans(database.owner)).toBe(0);
  });
});

describe('projects.export raced', () => {
  it('while cams are added and changed: every document is the project as it was at one moment', async () => {
    const { user, project } = await createUserWithProject(db());
    const [first] = await db().cams.createMany(user.id, project.id, [camInput({ name: 'First' })]);
    const documents: ProjectDocument[] = [];
    const outcomes = await race<unknown>(async (caller) => {
      if (caller % 3 === 0) return documents.push(await db().projects.export(user.id, project.id));
      if (caller % 3 === 1) return db().cams.create(user.id, project.id, camInput({ name: `Added ${caller}` }));
      return db().cams.update(user.id, first!.id, { duration: 200 + caller });
    });
    expect(outcomes.failedOnlyWith()).toEqual([]);
    const final = (await db().projects.export(user.id, project.id)).project.cams.map((cam) => cam.name);
    expect(documents).toHaveLength(CALLERS / 3);
    for (const document of documents) {
      const names = document.project.cams.map((cam) => cam.name);
      expect(names[0]).toBe('First');
      expect(final).toEqual(expect.arrayContaining(names));
      for (const cam of document.project.cams) expect(cam.profilePoints).toHaveLength(360);
    }
  });
});

describe('projects.import raced', () => {
  it.each([
    ['3 cams, one statement', 3],
    ['40 cams, streamed with COPY', 40],
  ])('by a double submit of %s: every acknowledged import is a whole project', async (_name, count) => {
    const user = await createUser(db());
    const outcomes = await race(() => db().projects.import(user.id, documentOf(count)));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    const stored = await camsPerProject(user.id);
    expect(stored).toHaveLength(CALLERS);
    for (const project of stored) expect(project.cams).toBe(count);
  });

  it('of 1,001 cams beside a delete of the user: whole projects or none', async () => {
    const user = await createUser(db());
    const document = documentOf(1001);
    const callers = 6;
    const outcomes = await race<unknown>((caller) => (caller === 3 ? db().users.delete(user.id) : db().projects.import(user.id, document)), callers);
    outcomes.failedOnlyWith(NotFoundError);
    expect(await countRows(database.owner, 'select 1 from projects where user_id = ?', [user.id])).toBe(0);
    expect(await orphans(database.owner)).toBe(0);
  });
});
