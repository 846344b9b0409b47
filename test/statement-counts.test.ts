import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cams, connect, entities, projects } from '../src/index.ts';
import { camInput, createUser } from './support/fixtures.ts';
import { statementsOf } from './support/statement-counter.ts';
import { useTestDatabase } from './support/test-database.ts';

/**
 * Every service call sends a fixed number of statements whatever the number of rows involved: no N+1, and reads
 * never pay for a transaction. Counted on the wire (pg's Client#query), BEGIN and COMMIT included.
 */
const database = useTestDatabase();
const db = () => database.db;

async function count(work: () => Promise<unknown>): Promise<number> {
  return (await statementsOf(work)).statements.length;
}

let small: { userId: string; email: string; projectId: number; camId: number };
let large: { userId: string; email: string; projectId: number };

beforeAll(async () => {
  const smallUser = await createUser(db(), 'small');
  const smallProject = await db().projects.create(smallUser.id, { name: 'One' });
  const cam = await db().cams.create(smallUser.id, smallProject.id, camInput());
  small = { userId: smallUser.id, email: smallUser.email, projectId: smallProject.id, camId: cam.id };

  // 1,000 projects, one of them with 1,000 cams.
  const largeUser = await createUser(db(), 'large');
  await db().fork().execute(`insert into projects (user_id, name) select ?, 'Project ' || n from generate_series(1, 999) n`, [largeUser.id]);
  const largeProject = await db().projects.create(largeUser.id, { name: 'Catalogue' });
  await db().cams.createMany(largeUser.id, largeProject.id, Array.from({ length: 1000 }, (_, i) => camInput({ name: `Lobe ${i}` })));
  large = { userId: largeUser.id, email: largeUser.email, projectId: largeProject.id };
});

describe('reads: one statement each, for one row or a thousand', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['users.get', () => db().users.get(small.userId)],
    ['users.getByEmail', () => db().users.getByEmail(small.email)],
    ['users.getWithProjects, 1 project and 1 cam', () => db().users.getWithProjects(small.email)],
    ['users.getWithProjects, 1,000 projects and 1,000 cams', () => db().users.getWithProjects(large.email)],
    ['projects.get', () => db().projects.get(small.userId, small.projectId)],
    ['projects.get with 1 cam', () => db().projects.get(small.userId, small.projectId, { withCams: true })],
    ['projects.get with 1,000 cams', () => db().projects.get(large.userId, large.projectId, { withCams: true })],
    ['projects.list of 1 project', () => db().projects.list(small.userId)],
    ['projects.list of 1,000 projects', () => db().projects.list(large.userId, { limit: 1000 })],
    ['projects.list of 1,000 projects with their cams', () => db().projects.list(large.userId, { limit: 1000, withCams: true })],
    ['projects.list, searched by name', () => db().projects.list(large.userId, { search: 'Project 9', limit: 10 })],
    ['projects.export of 1,000 cams', () => db().projects.export(large.userId, large.projectId)],
    ['cams.get', () => db().cams.get(small.userId, small.camId)],
    ['cams.list of 1 cam', () => db().cams.list(small.userId, small.projectId)],
    ['cams.list of 1,000 cams, filtered', () => db().cams.list(large.userId, large.projectId, { limit: 1000, camType: 'intake', liftMin: 1 })],
  ])('%s', async (_name, read) => {
    await read(); // warm: the pool's first connection is opened outside the count
    expect(await count(read)).toBe(1);
  });
});

describe('writes: one statement each unless a transaction is needed', () => {
  it('users.upsert (new and existing), users.update, users.delete: 1 each', async () => {
    expect(await count(() => db().users.upsert({ id: 'user_counted', email: 'counted@example.com' }))).toBe(1);
    expect(await count(() => db().users.upsert({ id: 'user_counted', email: 'counted@example.com' }))).toBe(1);
    expect(await count(() => db().users.update('user_counted', { subscriptionStatus: 'pro' }))).toBe(1);
    expect(await count(() => db().users.delete('user_counted'))).toBe(1);
  });

  it('projects.create, update, duplicate with cams, delete: 1 each', async () => {
    const { id } = await db().projects.create(small.userId, { name: 'warm' });
    expect(await count(() => db().projects.create(small.userId, { name: 'Counted' }))).toBe(1);
    expect(await count(() => db().projects.update(small.userId, id, { name: 'Renamed' }))).toBe(1);
    expect(await count(() => db().projects.duplicate(large.userId, large.projectId))).toBe(1);
    expect(await count(() => db().projects.delete(small.userId, id))).toBe(1);
  });

  it('projects.import: of 24 cams 1; from 25 cams on, of any number, BEGIN, the project, the staging table, one COPY, the cams, COMMIT', async () => {
    const document = await db().projects.export(large.userId, large.projectId);
    const withCams = (n: number) => ({ ...document, project: { ...document.project, cams: document.project.cams.slice(0, n) } });
    expect(await count(() => db().projects.import(small.userId, withCams(24)))).toBe(1);
    for (const n of [25, 1000]) {
      const { statements } = await statementsOf(() => db().projects.import(small.userId, withCams(n)));
      expect(statements.map(firstKeyword)).toEqual(['begin', 'insert', 'create', 'copy', 'with', 'commit']);
    }
  });

  it('cams.create, update (with expectedVersion too), delete: 1 each', async () => {
    const cam = await db().cams.create(small.userId, small.projectId, camInput());
    expect(await count(() => db().cams.create(small.userId, small.projectId, camInput()))).toBe(1);
    expect(await count(() => db().cams.update(small.userId, cam.id, { name: 'x' }))).toBe(1);
    expect(await count(() => db().cams.update(small.userId, cam.id, { lift: 11.43 }, { expectedVersion: 2 }))).toBe(1);
    expect(await count(() => db().cams.delete(small.userId, cam.id))).toBe(1);
  });

  it('a refused cam update: the update, then one read to say why', async () => {
    const cam = await db().cams.create(small.userId, small.projectId, camInput());
    expect(await count(() => db().cams.update(small.userId, cam.id, { name: 'y' }, { expectedVersion: 9 }).catch(() => undefined))).toBe(2);
  });

  it('cams.createMany: of 24 cams 1 multi-row INSERT; from 25 cams on, of any number, BEGIN, the staging table, one COPY, the cams, COMMIT', async () => {
    const inputs = (n: number) => Array.from({ length: n }, () => camInput({ profilePoints: undefined, lift: 10 }));
    expect(await count(() => db().cams.createMany(small.userId, small.projectId, inputs(24)))).toBe(1);
    for (const n of [25, 2100]) {
      const { statements } = await statementsOf(() => db().cams.createMany(small.userId, small.projectId, inputs(n)));
      expect(statements.map(firstKeyword)).toEqual(['begin', 'create', 'copy', 'with', 'commit']);
    }
  });

  it('a project and 3 cams in db.transaction: BEGIN, one INSERT per table, COMMIT', async () => {
    const { statements } = await statementsOf(() =>
      db().transaction(async (tx) => {
        const project = await tx.projects.create(small.userId, { name: 'With cams' });
        await tx.cams.createMany(small.userId, project.id, [camInput(), camInput(), camInput()]);
      }),
    );
    expect(statements.map(firstKeyword)).toEqual(['begin', 'insert', 'insert', 'commit']);
  });

  it("a pool's first write of users or cams asks once whether the tables are distributed by user; later calls do not", async () => {
    const fresh = connect({ url: database.url });
    try {
      await fresh.users.get(small.userId); // the pool's first connection, opened outside the count
      const first = await statementsOf(() => fresh.users.upsert({ id: 'user_first', email: 'first@example.com' }));
      expect(first.statements).toHaveLength(2);
      expect(first.statements[0]).toMatch(/pg_catalog\.pg_dist_partition/);
      expect(await count(() => fresh.users.upsert({ id: 'user_first', email: 'first@example.com' }))).toBe(1);
      expect(await count(() => fresh.cams.create(small.userId, small.projectId, camInput()))).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('validation failures send nothing', async () => {
    expect(await count(() => db().cams.create(small.userId, small.projectId, camInput({ duration: 0 })).catch(() => undefined))).toBe(0);
  });
});

/** The statement's first keyword: BEGIN carries the transaction's timeouts (`begin; set local ...`) in the same query. */
function firstKeyword(sql: string): string {
  return sql.trim().split(/[\s;]+/)[0]!.toLowerCase();
}

describe("on a host application's ORM, whose connections cannot stream COPY", () => {
  let host: MikroORM;
  beforeAll(async () => {
    host = new MikroORM({ entities: [...entities], clientUrl: database.url, ensureDatabase: false });
    // The pool's first write of cams asks once whether the tables are distributed by user (one catalog query).
    await cams.createMany(host.em.fork(), small.userId, small.projectId, [camInput()]);
  });
  afterAll(() => host.close());

  it('cams.createMany: one multi-row INSERT per 1,000 cams, in a transaction beyond 1,000', async () => {
    const inputs = (n: number) => Array.from({ length: n }, () => camInput({ profilePoints: undefined, lift: 10 }));
    expect(await count(() => cams.createMany(host.em.fork(), small.userId, small.projectId, inputs(1000)))).toBe(1);
    const { statements } = await statementsOf(() => cams.createMany(host.em.fork(), small.userId, small.projectId, inputs(2100)));
    expect(statements.map(firstKeyword)).toEqual(['begin', 'insert', 'insert', 'insert', 'commit']);
  });

  it('projects.import: the project with 1,000 cams in one statement, every further 1,000 in one more, in a transaction', async () => {
    const document = await db().projects.export(large.userId, large.projectId);
    expect(await count(() => projects.import(host.em.fork(), small.userId, document))).toBe(1);
    const moreCams = Array.from({ length: 2100 }, () => camInput({ profilePoints: undefined, lift: 10 }));
    const { statements } = await statementsOf(() => projects.import(host.em.fork(), small.userId, { ...document, project: { ...document.project, cams: moreCams } }));
    expect(statements.map(firstKeyword)).toEqual(['begin', 'with', 'insert', 'insert', 'commit']);
  });
});
