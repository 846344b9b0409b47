import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import { connect, type Database } from '../../src/index.ts';
import { PgBouncerUnavailable, startPgBouncer, type RunningPgBouncer } from '../support/pgbouncer.ts';
import { useTestDatabase } from '../support/test-database.ts';

/**
 * The package's statements go by name, parsed and planned once per connection (`connect({ preparedStatements })`,
 * default on), and a handle left preparing behind a transaction pooler that does not keep prepared statements stops on
 * its own without failing a call made outside a transaction. A PgBouncer of its own (Debian's 1.18, which keeps none).
 */
const database = useTestDatabase();
let pgbouncer: RunningPgBouncer | undefined;
let unavailable: string | undefined;
let userId: string;
let projectId: number;
let camId: number;

beforeAll(async () => {
  const user = await database.owner.users.upsert({ id: 'user_prepared', email: 'prepared@example.com' });
  const project = await database.owner.projects.create(user.id, { name: 'Prepared' });
  const [cam] = await database.owner.cams.createMany(user.id, project.id, [{ name: 'Intake', camType: 'intake', lift: 10.5, duration: 248 }]);
  [userId, projectId, camId] = [user.id, project.id, cam!.id];
  try {
    pgbouncer = await startPgBouncer(inject('postgresAdminUrl'), { poolSize: 2 });
  } catch (error) {
    if (!(error instanceof PgBouncerUnavailable)) throw error;
    unavailable = error.message;
    console.warn(`skipped: the tests through PgBouncer: ${unavailable}`);
  }
});
afterAll(() => pgbouncer?.stop());

/** The package's statements the server holds prepared on the one connection of `db` (a pool of one). */
async function preparedOnTheConnection(db: Database): Promise<string[]> {
  const rows = await db.fork().getConnection().execute<{ name: string }[]>(`select name from pg_prepared_statements where name like 'enginecampro%' order by name`);
  return rows.map((row) => row.name);
}

describe('on a direct connection', () => {
  it('prepares each statement once per connection by default, under a name that is a digest of its SQL', async () => {
    const db = connect({ url: database.url, pool: { max: 1 } });
    try {
      // The first statement of a pool on a table asks whether row-level security restricts its role, after settings
      // (a name of its own, `_s`); the owner is not restricted, so the next ones go without them.
      for (let call = 0; call < 2; call++) expect(await db.cams.get(userId, camId)).toMatchObject({ id: camId, name: 'Intake' });
      const names = await preparedOnTheConnection(db);
      expect(names).toHaveLength(2);
      const [plain, withSettings] = names;
      expect(plain).toMatch(/^enginecampro_[0-9a-f]{40}$/);
      expect(withSettings).toBe(`${plain}_s`);
      for (let call = 0; call < 5; call++) expect(await db.cams.get(userId, camId)).toMatchObject({ id: camId });
      expect(await preparedOnTheConnection(db)).toEqual(names);
      await db.projects.get(userId, projectId, { withCams: true });
      expect(await preparedOnTheConnection(db)).toHaveLength(3);
    } finally {
      await db.close();
    }
  });

  it('the same statement has the same name on every handle, and a failed call leaves the connection usable', async () => {
    const [a, b] = [connect({ url: database.url, pool: { max: 1 } }), connect({ url: database.url, pool: { max: 1 } })];
    try {
      await a.cams.get(userId, camId);
      await b.cams.get(userId, camId);
      expect(await preparedOnTheConnection(a)).toEqual(await preparedOnTheConnection(b));
      // A statement that fails when it runs (a version that is no longer current) leaves its name usable.
      await expect(a.cams.update(userId, camId, { duration: 250 }, { expectedVersion: 99 })).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(a.cams.update(userId, camId, { duration: 250 }, { expectedVersion: 99 })).rejects.toMatchObject({ code: 'CONFLICT' });
      const { version } = await a.cams.get(userId, camId);
      expect(await a.cams.update(userId, camId, { duration: 250 }, { expectedVersion: version })).toMatchObject({ duration: 250, version: version + 1 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('prepares nothing with preparedStatements: false', async () => {
    const db = connect({ url: database.url, pool: { max: 1 }, preparedStatements: false });
    try {
      await db.cams.get(userId, camId);
      await db.projects.list(userId);
      expect(await preparedOnTheConnection(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('behind a transaction pooler that does not keep prepared statements', () => {
  function pooledUrl(context: TestContext): string {
    if (!pgbouncer) context.skip(`no PgBouncer here: ${unavailable}`);
    return pgbouncer!.pooledUrl(database.url);
  }

  it('with preparedStatements: false, every call and transaction works', async (context) => {
    const db = connect({ url: pooledUrl(context), pool: { max: 6 }, preparedStatements: false });
    try {
      const gets = await Promise.all(Array.from({ length: 30 }, () => db.cams.get(userId, camId)));
      expect(gets.every((cam) => cam.id === camId)).toBe(true);
      const reads = await Promise.all(Array.from({ length: 12 }, () => db.transaction(async (tx) => ({ cam: await tx.cams.get(userId, camId), project: await tx.projects.get(userId, projectId) }))));
      expect(reads.every(({ cam, project }) => cam.id === camId && project.id === projectId)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('left on, calls outside a transaction still answer, and the handle stops preparing: transactions then work', async (context) => {
    const db = connect({ url: pooledUrl(context), pool: { max: 6 } });
    try {
      // Six connections of the handle share two server connections: a third that prepares the statement meets one
      // that holds it already (42P05), and a connection that prepared it meets one that does not (26000).
      for (let round = 0; round < 5; round++) {
        const gets = await Promise.all(Array.from({ length: 6 }, () => db.cams.get(userId, camId)));
        expect(gets.every((cam) => cam.id === camId && cam.name === 'Intake')).toBe(true);
      }
      const reads = await Promise.all(Array.from({ length: 12 }, () => db.transaction(async (tx) => ({ cam: await tx.cams.get(userId, camId), project: await tx.projects.get(userId, projectId) }))));
      expect(reads.every(({ cam, project }) => cam.id === camId && project.id === projectId)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('left on, a write raced with itself while the handle stops preparing holds: resent only where nothing of it ran', async (context) => {
    const db = connect({ url: pooledUrl(context), pool: { max: 6 } });
    try {
      // The same sign-in 24 times at once: one user, every call answered with it.
      const signIns = await Promise.all(Array.from({ length: 24 }, () => db.users.upsert({ id: 'user_raced', email: 'raced@example.com' })));
      expect(new Set(signIns.map((user) => `${user.id} ${user.email}`))).toEqual(new Set(['user_raced raced@example.com']));
      expect((await database.owner.users.getByEmail('RACED@example.com')).id).toBe('user_raced');
      // A double submit of new cams: each acknowledged call wrote its cam once, a resent statement never twice.
      const project = await database.owner.projects.create('user_raced', { name: 'Raced' });
      const created = await Promise.allSettled(
        Array.from({ length: 12 }, (_, n) => db.cams.create('user_raced', project.id, { name: `Raced ${n}`, camType: 'intake', lift: 10, duration: 250 })),
      );
      const acknowledged = created.filter((result) => result.status === 'fulfilled');
      const stored = (await database.owner.cams.list('user_raced', project.id, { limit: 100 })).items;
      expect(stored.map((cam) => cam.name).sort()).toEqual(acknowledged.map((result) => result.value.name).sort());
      // The same update at one version twice at once: one wins, the other is a conflict.
      const [cam] = stored;
      const updates = await Promise.allSettled([0, 1].map(() => db.cams.update('user_raced', cam!.id, { duration: 260 }, { expectedVersion: cam!.version })));
      expect(updates.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(updates.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'CONFLICT' } });
      expect((await database.owner.cams.get('user_raced', cam!.id)).version).toBe(cam!.version + 1);
    } finally {
      await db.close();
    }
  });
});
