import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrmConfig } from '../../src/connection/orm-config.ts';
import { Cam, cams, entities, Project, projects, User, users } from '../../src/index.ts';
import { camInput, createUser, createUserWithProject } from '../support/fixtures.ts';
import { statementsOf } from '../support/statement-counter.ts';
import { useTestDatabase } from '../support/test-database.ts';

/**
 * A host application mixes its own entity work with service calls on one EntityManager. Each service call must behave
 * as MikroORM's own queries do on it: pending changes flushed first, managed entities it wrote brought up to date or
 * forgotten, so a later flush neither overwrites its write nor fails.
 */
const database = useTestDatabase();
const db = () => database.db;

async function storedCam(id: number) {
  const [row] = await db().fork().getConnection().execute<{ name: string; duration: number; version: number }[]>('select name, duration, version from cams where id = ?', [id]);
  return row;
}

/** Whether the EntityManager's identity map holds the entity of this class and primary key, in whatever schema. */
function holds(em: EntityManager, entity: typeof User | typeof Project | typeof Cam, id: string | number): boolean {
  return em.getUnitOfWork().getIdentityMap().values().some((held) => held instanceof entity && held.id === id);
}

async function camOf(label: string) {
  const { user, project } = await createUserWithProject(db(), label);
  const cam = await db().cams.create(user.id, project.id, camInput({ name: 'Original' }));
  return { userId: user.id, projectId: project.id, camId: cam.id };
}

describe('the flush mode of the ORM is followed', () => {
  const orms: Partial<Record<'commit' | 'always', MikroORM>> = {};
  beforeAll(async () => {
    for (const flushMode of ['commit', 'always'] as const) {
      orms[flushMode] = new MikroORM({ ...createOrmConfig({ url: database.url }), flushMode });
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(orms).map((orm) => orm.close()));
  });

  it('COMMIT: a pending rename is not flushed by a service read', async () => {
    const { user, project } = await createUserWithProject(db(), 'commit-mode');
    const em = orms.commit!.em.fork();
    (await em.findOneOrFail(Project, project.id)).name = 'Pending';
    const { result, statements } = await statementsOf(() => projects.get(em, user.id, project.id));
    expect(result.name).toBe(project.name);
    expect(statements).toHaveLength(1);
  });

  it('ALWAYS: a pending change to another table is flushed too', async () => {
    const { user, project } = await createUserWithProject(db(), 'always-mode');
    const em = orms.always!.em.fork();
    (await em.findOneOrFail(User, user.id)).email = `renamed.${user.email}`;
    await projects.get(em, user.id, project.id);
    expect((await db().users.get(user.id)).email).toBe(`renamed.${user.email}`);
  });
});

// Our own ORM places the entities in its schema; a host ORM may leave them in MikroORM's wildcard schema, where the
// identity map files them under the EntityManager's default schema. Both must behave the same.
let hostOrm: MikroORM;
beforeAll(() => {
  hostOrm = new MikroORM({ entities: [...entities], clientUrl: database.url, ensureDatabase: false });
});
afterAll(() => hostOrm.close());

const entityManagers = [
  { name: 'connect()', fork: () => db().fork() },
  { name: 'a host ORM that leaves the entities unplaced', fork: () => hostOrm.em.fork() },
];

describe.each(entityManagers)('with an EntityManager of $name', ({ fork }) => {
  describe('pending changes are flushed before a service call reads (flush mode AUTO, the default)', () => {
    it('sees a managed project renamed and not yet flushed', async () => {
      const { user, project } = await createUserWithProject(db(), 'rename');
      const em = fork();
      const loaded = await em.findOneOrFail(Project, project.id);
      loaded.name = 'Renamed in the unit of work';
      expect((await projects.get(em, user.id, project.id)).name).toBe('Renamed in the unit of work');
    });

    it('sees a persisted new project, inside em.transactional(), and leaves nothing behind on rollback', async () => {
      const user = await createUser(db(), 'persisted');
      const em = fork();
      await expect(
        em.transactional(async (tx) => {
          tx.persist(tx.create(Project, { user: user.id, name: 'Persisted, not flushed' }));
          const page = await projects.list(tx, user.id);
          expect(page.items.map((item) => item.name)).toEqual(['Persisted, not flushed']);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect((await db().projects.list(user.id)).items).toEqual([]);
    });

    it('flushes nothing and sends only its own statement when nothing is pending', async () => {
      const { user, project } = await createUserWithProject(db(), 'clean');
      const em = fork();
      await em.findOneOrFail(Project, project.id);
      const { statements } = await statementsOf(() => projects.get(em, user.id, project.id));
      expect(statements).toHaveLength(1);
    });
  });

  describe('managed entities are brought up to date after a service write', () => {
    it('cams.update: the managed Cam holds the new values and version, and a later flush of another change works', async () => {
      const { userId, camId } = await camOf('update');
      const em = fork();
      const cam = await em.findOneOrFail(Cam, camId);
      const updated = await cams.update(em, userId, camId, { duration: 270 }, { expectedVersion: cam.version });
      expect(cam).toMatchObject({ duration: 270, version: updated.version });
      expect(cam.updatedAt.toISOString()).toBe(new Date(updated.updatedAt).toISOString());

      cam.name = 'Renamed after the update';
      await em.flush();
      expect(await storedCam(camId)).toEqual({ name: 'Renamed after the update', duration: 270, version: updated.version + 1 });
    });

    it('cams.update leaves a managed Cam that nothing changed since with nothing to flush', async () => {
      const { userId, camId } = await camOf('update-clean');
      const em = fork();
      await em.findOneOrFail(Cam, camId);
      await cams.update(em, userId, camId, { lift: 11.43, profilePoints: camInput().profilePoints });
      const { statements } = await statementsOf(() => em.flush());
      expect(statements).toEqual([]);
    });

    it('users.update and projects.update refresh the managed User and Project', async () => {
      const { user, project } = await createUserWithProject(db(), 'refresh');
      const em = fork();
      const [managedUser, managedProject] = await Promise.all([em.findOneOrFail(User, user.id), em.findOneOrFail(Project, project.id)]);
      await users.update(em, user.id, { subscriptionStatus: 'pro' });
      await projects.update(em, user.id, project.id, { description: 'Described by a service' });
      expect(managedUser.subscriptionStatus).toBe('pro');
      expect(managedProject.description).toBe('Described by a service');
      expect((await statementsOf(() => em.flush())).statements).toEqual([]);
    });

    it('inside em.transactional(): the refreshed Cam is the one the outer EntityManager flushes later', async () => {
      const { userId, camId } = await camOf('transactional-update');
      const em = fork();
      const cam = await em.findOneOrFail(Cam, camId);
      await em.transactional((tx) => cams.update(tx, userId, camId, { duration: 250 }));
      cam.name = 'Renamed after the transaction';
      await em.flush();
      expect(await storedCam(camId)).toMatchObject({ name: 'Renamed after the transaction', duration: 250 });
    });

    it('created cams join a loaded collection of their project, with nothing to flush', async () => {
      const { user, project } = await createUserWithProject(db(), 'adopt');
      const em = fork();
      const loaded = await em.findOneOrFail(Project, project.id, { populate: ['cams'] });
      const created = await cams.create(em, user.id, project.id, camInput({ name: 'One' }));
      const many = await cams.createMany(em, user.id, project.id, [camInput({ name: 'Two' }), camInput({ name: 'Three' })]);
      expect(loaded.cams.getItems().map((cam) => cam.id)).toEqual([created.id, ...many.map((cam) => cam.id)]);
      expect(loaded.cams.getItems()[0]!.profilePoints).toEqual(camInput().profilePoints);
      expect((await statementsOf(() => em.flush())).statements).toEqual([]);
    });
  });

  describe('deleted rows leave the unit of work', () => {
    async function flushStatements(em: EntityManager) {
      return (await statementsOf(() => em.flush())).statements;
    }

    it('cams.delete of a managed Cam: gone from the identity map and its project collection, nothing flushed', async () => {
      const { userId, projectId, camId } = await camOf('delete');
      const em = fork();
      const project = await em.findOneOrFail(Project, projectId, { populate: ['cams'] });
      const cam = project.cams.getItems()[0]!;
      cam.name = 'Changed, then deleted by a service';
      await cams.delete(em, userId, camId);
      expect(holds(em, Cam, camId)).toBe(false);
      expect(project.cams.getItems()).toEqual([]);
      expect(await flushStatements(em)).toEqual([]);
      expect(await storedCam(camId)).toBeUndefined();
    });

    it('users.delete of a user whose projects and cams are managed: all forgotten, none re-inserted', async () => {
      const { userId, projectId, camId } = await camOf('cascade');
      const em = fork();
      await em.findOneOrFail(User, userId, { populate: ['projects.cams'] });
      expect([holds(em, User, userId), holds(em, Project, projectId), holds(em, Cam, camId)]).toEqual([true, true, true]);
      await users.delete(em, userId);
      expect(holds(em, User, userId)).toBe(false);
      expect(holds(em, Project, projectId)).toBe(false);
      expect(holds(em, Cam, camId)).toBe(false);
      expect(await flushStatements(em)).toEqual([]);
      expect(await storedCam(camId)).toBeUndefined();
    });

    it('a managed cam whose user another call deleted is forgotten too, found by its project', async () => {
      const { userId, camId } = await camOf('cascade-reference');
      const em = fork();
      await em.findOneOrFail(Cam, camId); // its project is only a reference in this EntityManager
      await users.delete(em, userId);
      expect(holds(em, Cam, camId)).toBe(false);
      expect(await flushStatements(em)).toEqual([]);
    });

    it('inside em.transactional(): the outer EntityManager does not write the deleted cam back', async () => {
      const { userId, projectId, camId } = await camOf('transactional-delete');
      const em = fork();
      await em.findOneOrFail(Cam, camId);
      await em.transactional((tx) => cams.delete(tx, userId, camId));
      expect(await flushStatements(em)).toEqual([]);
      expect(await storedCam(camId)).toBeUndefined();
      expect((await db().cams.list(userId, projectId)).items).toEqual([]);
    });

    it('projects.delete forgets the project and its managed cams', async () => {
      const { userId, projectId, camId } = await camOf('project-delete');
      const em = fork();
      await em.findOneOrFail(Project, projectId, { populate: ['cams'] });
      await projects.delete(em, userId, projectId);
      expect(holds(em, Project, projectId)).toBe(false);
      expect(holds(em, Cam, camId)).toBe(false);
      expect(await flushStatements(em)).toEqual([]);
    });
  });
});

