import { describe, expect, it } from 'vitest';
import { cams, ConflictError, connect, Project, projects, User, users, type Transaction } from '../src/index.ts';
import { camInput, createUser } from './support/fixtures.ts';
import { useTestDatabase } from './support/test-database.ts';

const database = useTestDatabase();

describe('db.transaction', () => {
  it('commits every service call of the callback together', async () => {
    const user = await createUser(database.db);
    const project = await database.db.transaction(async (tx) => {
      const created = await tx.projects.create(user.id, { name: 'Atomic' });
      await tx.cams.createMany(user.id, created.id, [camInput({ name: 'one' }), camInput({ name: 'two' })]);
      await tx.users.update(user.id, { subscriptionStatus: 'pro' });
      return created;
    });
    expect((await database.db.projects.get(user.id, project.id, { withCams: true })).cams).toHaveLength(2);
    expect((await database.db.users.get(user.id)).subscriptionStatus).toBe('pro');
  });

  it('rolls all of them back when the callback throws, and rethrows', async () => {
    const user = await createUser(database.db);
    const attempt = database.db.transaction(async (tx) => {
      const project = await tx.projects.create(user.id, { name: 'Doomed' });
      await tx.cams.create(user.id, project.id, camInput());
      await tx.users.update(user.id, { subscriptionStatus: 'pro' });
      throw new Error('payment declined');
    });
    await expect(attempt).rejects.toThrow('payment declined');
    expect((await database.db.projects.list(user.id)).items).toEqual([]);
    expect((await database.db.users.get(user.id)).subscriptionStatus).toBe('free');
  });

  it('rolls back when a service call inside fails, with the typed error', async () => {
    const user = await createUser(database.db);
    const taken = await createUser(database.db, 'taken');
    const attempt = database.db.transaction(async (tx) => {
      await tx.projects.create(user.id, { name: 'Before the conflict' });
      await tx.users.update(user.id, { email: taken.email });
    });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect((await database.db.projects.list(user.id)).items).toEqual([]);
  });

  it('gives the transaction’s EntityManager for work of the caller’s own', async () => {
    const user = await createUser(database.db);
    await expect(
      database.db.transaction(async (tx) => {
        await tx.projects.create(user.id, { name: 'With raw SQL beside it' });
        await tx.em.execute(`update users set subscription_status = 'pro' where id = ?`, [user.id]);
        throw new Error('undo both');
      }),
    ).rejects.toThrow('undo both');
    expect(await database.db.users.get(user.id)).toMatchObject({ subscriptionStatus: 'free' });
  });
});

describe('the EntityManager of each transaction', () => {
  it('holds nothing from an earlier transaction, and is never one a caller has held', async () => {
    const user = await createUser(database.db);
    const held = (em: Transaction['em']) => [...em.getUnitOfWork().getIdentityMap()];
    // One whose tx.em nobody read leaves its EntityManager for later transactions, empty.
    await database.db.transaction((tx) => tx.projects.create(user.id, { name: 'Services only' }));
    const first = await database.db.transaction(async (tx) => {
      expect(held(tx.em)).toEqual([]);
      tx.em.create(Project, { user: tx.em.getReference(User, user.id), name: 'Through the unit of work' });
      return tx.em;
    });
    const [second, third] = await Promise.all(
      [0, 1].map(() =>
        database.db.transaction(async (tx) => {
          expect(held(tx.em)).toEqual([]);
          return tx.em;
        }),
      ),
    );
    expect(new Set([first, second, third]).size).toBe(3);
    expect((await database.db.projects.list(user.id)).items).toHaveLength(2);
  });
});

describe('entities created on tx.em', () => {
  it('are flushed and committed with the transaction, or rolled back with it', async () => {
    const user = await createUser(database.db);
    await database.db.transaction(async (tx) => {
      tx.em.create(Project, { user: tx.em.getReference(User, user.id), name: 'Through the unit of work' });
      await tx.cams.createMany(user.id, (await tx.projects.create(user.id, { name: 'Through a service' })).id, [camInput()]);
    });
    const names = (await database.db.projects.list(user.id, { orderBy: 'name' })).items.map((project) => project.name);
    expect(names).toEqual(['Through a service', 'Through the unit of work']);

    await expect(
      database.db.transaction(async (tx) => {
        tx.em.create(Project, { user: tx.em.getReference(User, user.id), name: 'Never flushed' });
        await tx.em.flush();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await database.db.projects.list(user.id)).items).toHaveLength(2);
  });

  it('are flushed at the commit when created after the last service call', async () => {
    const user = await createUser(database.db);
    await database.db.transaction(async (tx) => {
      await tx.projects.create(user.id, { name: 'Through a service' });
      tx.em.create(Project, { user: tx.em.getReference(User, user.id), name: 'Created last' });
    });
    const names = (await database.db.projects.list(user.id, { orderBy: 'name' })).items.map((project) => project.name);
    expect(names).toEqual(['Created last', 'Through a service']);
  });

  it('leave a subscriber its flush events at the commit, even when the transaction managed no entity', async () => {
    const db = connect({ url: database.url });
    try {
      const user = await createUser(db);
      const flushEvents: string[] = [];
      db.orm.em.getEventManager().registerSubscriber({
        beforeFlush: () => void flushEvents.push('beforeFlush'),
        onFlush: () => void flushEvents.push('onFlush'),
        afterFlush: () => void flushEvents.push('afterFlush'),
      });
      await db.transaction((tx) => tx.users.get(user.id));
      expect(flushEvents).toEqual(['beforeFlush', 'onFlush', 'afterFlush']);
    } finally {
      await db.close();
    }
  });
});

describe('the plain service functions with a caller’s transaction', () => {
  it('take part in it instead of committing on their own', async () => {
    const user = await createUser(database.db);
    const em = database.db.fork();
    await expect(
      em.transactional(async (tx) => {
        const project = await projects.create(tx, user.id, { name: 'Host transaction' });
        await cams.createMany(tx, user.id, project.id, Array.from({ length: 1500 }, () => camInput({ profilePoints: undefined, lift: 9 })));
        await users.update(tx, user.id, { subscriptionStatus: 'pro' });
        throw new Error('host rolls back');
      }),
    ).rejects.toThrow('host rolls back');
    expect((await database.db.projects.list(user.id)).items).toEqual([]);
    expect((await database.db.users.get(user.id)).subscriptionStatus).toBe('free');
  });
});
