import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigurationError, ConflictError, connect, entities, NotFoundError, placeInSchema, Project, type Database } from '../../src/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { camInput } from '../support/fixtures.ts';
import { placementsOf, statementsSentBy, type StatementPlacement } from './plans.ts';

/**
 * One installation whose rows are distributed by user (`db.distribute()`): `users` by id, `projects` and `cams` by
 * their owner, co-located, and the e-mail lookup by address. Made from an installation that already holds users, then
 * every kind of call, checked by its results and by where Citus runs each of its statements.
 */
const url = inject('citusUrl');
const workers = inject('citusWorkers');
const SCHEMA = 'rows_by_user';

let admin: pg.Client;
let db: Database;

beforeAll(async () => {
  admin = new pg.Client(url);
  await admin.connect();
  // A schema of plain tables on the coordinator, as before any distribution: the cluster's database turns schema-based
  // sharding on for new schemas, which is the other layout.
  await admin.query('set citus.enable_schema_based_sharding = off');
  await admin.query(`create schema if not exists ${SCHEMA}`);
  await admin.query('reset citus.enable_schema_based_sharding');
  db = connect({ url, schema: SCHEMA });
});
afterAll(async () => {
  await db?.close();
  await admin?.end();
});

/** The worker holding the shard of `table` for `value` of its distribution column, as Citus names nodes in plans. */
async function workerOf(table: string, value: string): Promise<string> {
  const { rows } = await admin.query<{ node: string }>(
    `select 'host=' || nodename || ' port=' || nodeport as node from citus_shards
     where shardid = get_shard_id_for_distribution_column($1, $2::text)`,
    [`${SCHEMA}.${table}`, value],
  );
  return rows[0]!.node;
}

async function count(sql: string): Promise<number> {
  const { rows } = await admin.query<{ count: number }>(`select (${sql})::int as count`);
  return rows[0]!.count;
}

describe('distributing an existing installation', () => {
  it('distribute() keeps every row, fills the lookup and spreads the users over the workers; a second run does nothing', async () => {
    await db.migrate();
    for (let i = 0; i < 20; i++) {
      const user = await db.users.upsert({ id: `before_${i}`, email: `Before.${i}@Example.com` });
      const project = await db.projects.create(user.id, { name: `Project ${i}` });
      await db.cams.createMany(user.id, project.id, [camInput(), camInput({ camType: 'exhaust' })]);
    }
    expect(await count(`select count(*) from pg_dist_partition where logicalrelid::text like '${SCHEMA}.%'`)).toBe(0);

    expect(await db.distribute()).toEqual({ distributed: ['users', 'projects', 'cams', 'user_emails'] });

    const { rows } = await admin.query<{ table_name: string; method: string; column_name: string; colocated: boolean }>(
      `select logicalrelid::text as table_name, partmethod as method, column_to_column_name(logicalrelid, partkey) as column_name,
         colocationid = (select colocationid from pg_dist_partition where logicalrelid = '${SCHEMA}.users'::regclass) as colocated
       from pg_dist_partition where logicalrelid::text like '${SCHEMA}.%' order by 1`,
    );
    expect(rows).toEqual([
      { table_name: `${SCHEMA}.cams`, method: 'h', column_name: 'user_id', colocated: true },
      { table_name: `${SCHEMA}.projects`, method: 'h', column_name: 'user_id', colocated: true },
      { table_name: `${SCHEMA}.user_emails`, method: 'h', column_name: 'email', colocated: false },
      { table_name: `${SCHEMA}.users`, method: 'h', column_name: 'id', colocated: true },
    ]);
    const nodes = new Set(await Promise.all(Array.from({ length: 20 }, (_, i) => workerOf('users', `before_${i}`))));
    expect([...nodes].sort()).toEqual([...workers].sort());
    expect(await count(`select count(*) from ${SCHEMA}.user_emails`)).toBe(20);
    expect(await count(`select count(*) from ${SCHEMA}.cams`)).toBe(40);
    expect((await db.users.getWithProjects('before.7@example.com')).projects[0]!.cams).toHaveLength(2);

    expect(await db.distribute()).toEqual({ distributed: [] });
    expect(await db.migrate()).toEqual([]);
    expect((await db.migrationStatus()).pending).toEqual([]);
  });

  it('the command line: check finds the schema as distribute() left it; distribute again does nothing; rollback is refused', async () => {
    const check = await runCli(['check', '--url', url, '--schema', SCHEMA]);
    expect(check.stdout).toContain('Schema      matches the entities');
    expect(check.exitCode).toBe(0);
    const again = await runCli(['distribute', '--url', url, '--schema', SCHEMA]);
    expect(again.stdout).toContain('Nothing to do: the tables are already distributed by user.');
    expect(again.exitCode).toBe(0);
    const rollback = db.rollback();
    await expect(rollback).rejects.toBeInstanceOf(ConfigurationError);
    await expect(rollback).rejects.toThrow(/distributed by user on Citus/);
  });

  it('a key changed by hand is drift', async () => {
    await admin.query(`alter table ${SCHEMA}.cams drop constraint cams_project_id_foreign`);
    try {
      const check = await runCli(['check', '--url', url, '--schema', SCHEMA]);
      expect(check.stdout).toContain('"cams_project_id_foreign" foreign key (user_id, project_id) references projects(user_id, id) on delete cascade');
      expect(check.exitCode).toBe(1);
    } finally {
      await admin.query(
        `alter table ${SCHEMA}.cams add constraint cams_project_id_foreign foreign key (user_id, project_id) references ${SCHEMA}.projects (user_id, id) on delete cascade`,
      );
    }
  });
});

describe('distributing online: projects and cams stay writable while their rows move', () => {
  const ONLINE = 'rows_online';
  let online: Database;
  beforeAll(async () => {
    await admin.query('set citus.enable_schema_based_sharding = off');
    await admin.query(`create schema if not exists ${ONLINE}`);
    await admin.query('reset citus.enable_schema_based_sharding');
    // The rows move in statements that may outlast the default 30 s bound on a loaded machine.
    online = connect({ url, schema: ONLINE, statementTimeoutMillis: 300_000 });
    await online.migrate();
  });
  afterAll(() => online?.close());

  it('distribute({ online: true }) under a stream of writes: every acknowledged write is there after, the keys enforced', async () => {
    const owners: { id: string; project: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const user = await online.users.upsert({ id: `online_${i}`, email: `online.${i}@example.com` });
      const project = await online.projects.create(user.id, { name: 'Before' });
      await online.cams.createMany(user.id, project.id, Array.from({ length: 30 }, () => camInput({ profilePoints: undefined })));
      owners.push({ id: user.id, project: project.id });
    }
    // Writers of cams and projects that run until the move is done, each call its own transaction.
    const acknowledged: number[] = [];
    const failures: unknown[] = [];
    let retried = 0;
    let moving = true;
    const writers = owners.slice(0, 4).map(async ({ id, project }) => {
      while (moving) {
        try {
          acknowledged.push((await online.cams.create(id, project, camInput({ profilePoints: undefined }))).id);
          await online.projects.create(id, { name: 'During' });
        } catch (error) {
          // A call that met the switch to the new placement is refused as retryable, having written nothing; a caller repeats it.
          if (!(error instanceof ConflictError && error.retryable)) failures.push(error);
          else retried++;
        }
      }
    });
    const started = Date.now();
    const result = await online.distribute({ online: true }).finally(() => (moving = false));
    await Promise.all(writers);
    console.log(`distribute({ online: true }) took ${Date.now() - started} ms with ${acknowledged.length} cams written meanwhile, ${retried} calls to repeat`);
    expect(result).toEqual({ distributed: ['users', 'projects', 'cams', 'user_emails'] });
    expect(failures.map((error) => (error as Error).message)).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
    const { rows } = await admin.query<{ id: number }>(`select id from ${ONLINE}.cams where id = any($1::int[])`, [acknowledged]);
    expect(rows).toHaveLength(acknowledged.length);
    expect(await count(`select count(*) from ${ONLINE}.cams where user_id = 'online_9'`)).toBe(30);
    expect(await count(`select count(*) from ${ONLINE}.user_emails`)).toBe(12);
    expect(await count(`select count(distinct partmethod) from pg_dist_partition where logicalrelid::text like '${ONLINE}.%'`)).toBe(1);

    // A new process sees the layout: cams into another user's project are refused by the key, addresses by the lookup.
    const fresh = connect({ url, schema: ONLINE });
    try {
      await expect(fresh.cams.create('online_1', owners[0]!.project, camInput())).rejects.toMatchObject({ entity: 'Project', id: owners[0]!.project });
      await expect(fresh.users.upsert({ id: 'online_new', email: 'ONLINE.3@example.com' })).rejects.toBeInstanceOf(ConflictError);
      await fresh.users.delete('online_2');
      expect(await count(`select count(*) from ${ONLINE}.cams where user_id = 'online_2'`)).toBe(0);
    } finally {
      await fresh.close();
    }
    const check = await runCli(['check', '--url', url, '--schema', ONLINE]);
    expect(check.stdout).toContain('Schema      matches the entities');
    expect(await online.distribute({ online: true })).toEqual({ distributed: [] });
  });
});

describe('service calls on rows distributed by user', () => {
  const USER = 'user_rows';
  const EMAIL = 'owner@rows.example.com';

  /** Every kind of call once, as `[name, call]`, in the order a user's life takes them. */
  function calls() {
    const ids = { project: 0, cam: 0, copy: 0 };
    const list: [string, () => Promise<unknown>][] = [
      ['users.upsert', () => db.users.upsert({ id: USER, email: EMAIL })],
      ['users.upsert unchanged', () => db.users.upsert({ id: USER, email: EMAIL })],
      ['users.get', () => db.users.get(USER)],
      ['users.getByEmail', () => db.users.getByEmail(EMAIL.toUpperCase())],
      ['users.update', () => db.users.update(USER, { subscriptionStatus: 'pro' })],
      ['projects.create', async () => (ids.project = (await db.projects.create(USER, { name: 'Race engine' })).id)],
      ['projects.update', () => db.projects.update(USER, ids.project, { description: 'V8' })],
      ['cams.create', async () => (ids.cam = (await db.cams.create(USER, ids.project, camInput())).id)],
      ['cams.createMany of 3', () => db.cams.createMany(USER, ids.project, [camInput(), camInput(), camInput({ camType: 'exhaust' })])],
      ['cams.createMany of 30 (COPY)', () => db.cams.createMany(USER, ids.project, Array.from({ length: 30 }, () => camInput({ profilePoints: undefined })))],
      ['cams.update', () => db.cams.update(USER, ids.cam, { name: 'Renamed' }, { expectedVersion: 1 })],
      ['cams.get', () => db.cams.get(USER, ids.cam)],
      ['cams.list', () => db.cams.list(USER, ids.project, { camType: 'exhaust' })],
      ['projects.get with cams', () => db.projects.get(USER, ids.project, { withCams: true })],
      ['projects.list with cams', () => db.projects.list(USER, { withCams: true })],
      ['projects.export', () => db.projects.export(USER, ids.project)],
      ['projects.import of 34 cams (COPY)', async () => db.projects.import(USER, await db.projects.export(USER, ids.project))],
      ['projects.duplicate', async () => (ids.copy = (await db.projects.duplicate(USER, ids.project)).id)],
      ['users.getWithProjects', () => db.users.getWithProjects(EMAIL)],
      ['db.transaction', () => db.transaction(async (tx) => {
        const project = await tx.projects.create(USER, { name: 'In a transaction' });
        await tx.cams.createMany(USER, project.id, [camInput(), camInput()]);
      })],
      ['cams.delete', () => db.cams.delete(USER, ids.cam)],
      ['projects.delete', () => db.projects.delete(USER, ids.copy)],
    ];
    return list;
  }

  const placements = new Map<string, StatementPlacement[]>();

  it('every call works', async () => {
    for (const [name, call] of calls()) placements.set(name, await placementsOf(admin, await statementsSentBy(call)));
    const user = await db.users.getWithProjects(EMAIL);
    expect(user).toMatchObject({ id: USER, email: EMAIL, subscriptionStatus: 'pro' });
    expect(user.projects.map((project) => [project.name, project.cams.length])).toEqual([
      ['Race engine', 33],
      ['Race engine', 34],
      ['In a transaction', 2],
    ]);
  });

  it("every statement runs on the user's worker, or on the lookup's for the address; all but the bulk writes and the copy of a project are router plans", async () => {
    const userNode = await workerOf('users', USER);
    const addressNode = await workerOf('user_emails', EMAIL);
    expect(await workerOf('projects', USER)).toBe(userNode);
    expect(await workerOf('cams', USER)).toBe(userNode);
    const notRouter: string[] = [];
    for (const [name, statements] of placements) {
      for (const statement of statements) {
        const where = `${name}: ${statement.text}`;
        if (statement.local) {
          // Only the advisory lock of a user's writes (a statement naming no table: the coordinator's) and the catalog
          // questions of the layout, asked once by the pool's first call.
          expect(where).toMatch(/pg_advisory_xact_lock|pg_dist_partition/);
          continue;
        }
        const node = /\buser_emails\b/.test(statement.text) ? addressNode : userNode;
        expect(statement.nodes, where).toEqual(statement.router ? [node] : statement.nodes.length ? [node] : []);
        if (!statement.router) notRouter.push(name);
      }
    }
    // Cams go in as plain VALUES, routed: the foreign key (user_id, project_id) proves the project is the user's. The
    // staged rows of a bulk write (a temporary table on the coordinator) are pulled there and inserted on the user's
    // worker; a modifying CTE (the copy of a project and its cams) runs as subplans, each on the user's worker.
    expect([...new Set(notRouter)].sort()).toEqual(['cams.createMany of 30 (COPY)', 'projects.duplicate', 'projects.import of 34 cams (COPY)']);
  });

  it('the writes of a user keep the lookup in step: one statement per step, in one transaction', async () => {
    const upsert = (await statementsSentBy(() => db.users.upsert({ id: USER, email: 'moved@rows.example.com' }))).map((s) => s.text);
    const steps = [/^select pg_advisory_xact_lock\(/, /^select .* from "rows_by_user"\."users" where/, /^insert into "rows_by_user"\."user_emails"/, /^insert into "rows_by_user"\."users"/, /^delete from "rows_by_user"\."user_emails"/];
    expect(upsert).toHaveLength(steps.length);
    steps.forEach((step, i) => expect(upsert[i]).toMatch(step));
    expect(await count(`select count(*) from ${SCHEMA}.user_emails where user_id = '${USER}'`)).toBe(1);
    await expect(db.users.getByEmail(EMAIL)).rejects.toBeInstanceOf(NotFoundError);
    expect((await db.users.getByEmail('MOVED@rows.example.com')).id).toBe(USER);
    await db.users.update(USER, { email: EMAIL });
    expect((await db.users.getByEmail(EMAIL)).id).toBe(USER);
  });
});

describe('across the cluster', () => {
  it('an address is held by one user whatever its case; one freed by a change or a delete can be taken', async () => {
    await db.users.upsert({ id: 'holder', email: 'shared@example.com' });
    const taken = db.users.upsert({ id: 'other', email: 'SHARED@example.com' });
    await expect(taken).rejects.toBeInstanceOf(ConflictError);
    await expect(taken).rejects.toThrow('This e-mail address is already taken by another user');
    await expect(db.users.get('other')).rejects.toBeInstanceOf(NotFoundError);
    await db.users.upsert({ id: 'other', email: 'other@example.com' });
    await expect(db.users.update('other', { email: 'Shared@Example.com' })).rejects.toBeInstanceOf(ConflictError);
    expect((await db.users.get('other')).email).toBe('other@example.com');

    await db.users.update('holder', { email: 'holder@example.com' });
    expect((await db.users.update('other', { email: 'shared@example.com' })).email).toBe('shared@example.com');
    await db.users.delete('other');
    expect((await db.users.upsert({ id: 'third', email: 'shared@example.com' })).id).toBe('third');
    expect(await count(`select count(*) from ${SCHEMA}.user_emails where email = 'shared@example.com'`)).toBe(1);
    expect(await count(`select count(*) from ${SCHEMA}.user_emails where user_id = 'other'`)).toBe(0);
  });

  it('the same sign-in 24 times at once: every call returns the user; 24 users racing for one address: one gets it', async () => {
    const same = await Promise.all(Array.from({ length: 24 }, () => db.users.upsert({ id: 'racer', email: 'racer@example.com', subscriptionStatus: 'pro' })));
    expect(new Set(same.map((user) => `${user.id} ${user.email} ${user.createdAt}`)).size).toBe(1);
    const outcomes = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => db.users.upsert({ id: `rival_${i}`, email: 'Contested@example.com' })));
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConflictError);
    expect(await count(`select count(*) from ${SCHEMA}.users where id like 'rival_%'`)).toBe(1);
    expect(await count(`select count(*) from ${SCHEMA}.user_emails where email = 'contested@example.com'`)).toBe(1);
  });

  it('ids stay unique across the workers: they come from the coordinator, which every write goes through', async () => {
    const ids = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const user = await db.users.upsert({ id: `spread_${i}`, email: `spread.${i}@example.com` });
        const project = await db.projects.create(user.id, { name: 'Spread' });
        const cams = await db.cams.createMany(user.id, project.id, [camInput(), camInput()]);
        return { project: project.id, cams: cams.map((cam) => cam.id), node: await workerOf('users', user.id) };
      }),
    );
    expect(new Set(ids.map((entry) => entry.node)).size).toBe(workers.length);
    expect(new Set(ids.map((entry) => entry.project)).size).toBe(16);
    expect(new Set(ids.flatMap((entry) => entry.cams)).size).toBe(32);
  });

  it("a host's own MikroORM still finds a project by its id alone (asking every shard)", async () => {
    const { id } = await db.projects.create('spread_0', { name: 'Found by id' });
    const host = await MikroORM.init({ entities: [...entities], clientUrl: url, discovery: { onMetadata: placeInSchema(SCHEMA) } });
    try {
      expect((await host.em.fork().findOneOrFail(Project, id)).name).toBe('Found by id');
    } finally {
      await host.close();
    }
  });

  it('errors are the typed errors of a single server', async () => {
    const noUser = db.projects.create('user_nobody', { name: 'Orphan' });
    await expect(noUser).rejects.toMatchObject({ entity: 'User', id: 'user_nobody' });
    const { id } = await db.projects.create('spread_1', { name: 'Not yours' });
    await expect(db.cams.create('spread_2', id, camInput())).rejects.toMatchObject({ entity: 'Project', id });
    await expect(db.projects.get('spread_2', id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
