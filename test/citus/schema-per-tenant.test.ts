import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundledMigrations } from '../../migrations/index.ts';
import { ConfigurationError, ConflictError, connect, NotFoundError, type Database } from '../../src/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { camInput } from '../support/fixtures.ts';
import { placementsOf, statementsSentBy } from './plans.ts';

/**
 * One installation per tenant on Citus's schema-based sharding (`citus.enable_schema_based_sharding`, on in the
 * cluster's database): `connect({ schema })` and `migrate()` in a new schema, whose tables Citus places together on
 * one node, then every kind of call, checked by its results and by where Citus runs its statements.
 */
const url = inject('citusUrl');
const workers = inject('citusWorkers');
const TENANTS = ['tenant_a', 'tenant_b'] as const;
type Tenant = (typeof TENANTS)[number];

let admin: pg.Client;
const databases = new Map<Tenant, Database>();
const db = (tenant: Tenant) => databases.get(tenant)!;

beforeAll(async () => {
  admin = new pg.Client(url);
  await admin.connect();
  for (const tenant of TENANTS) databases.set(tenant, connect({ url, schema: tenant }));
});
afterAll(async () => {
  for (const database of databases.values()) await database.close();
  await admin?.end();
});

/** The nodes holding the shards of each of `schema`'s tables, from Citus's own view. */
async function nodesOfTables(schema: string): Promise<Record<string, string[]>> {
  const { rows } = await admin.query<{ table_name: string; nodes: string[] }>(
    `select c.relname as table_name, array_agg(distinct 'host=' || s.nodename || ' port=' || s.nodeport) as nodes
     from citus_shards s join pg_class c on c.oid = s.table_name join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 group by c.relname order by c.relname`,
    [schema],
  );
  return Object.fromEntries(rows.map((row) => [row.table_name, row.nodes]));
}

/** The acting-user policies as the migrations create them on distributed tables, for an installation made before. */
const ACTING_USER = `nullif(current_setting('enginecampro.acting_user', true), '')`;
const ACTING_EMAIL = `nullif(current_setting('enginecampro.acting_email', true), '')`;
const CITUS_POLICIES = [
  'drop policy enginecampro_acting_user on users',
  'drop policy enginecampro_acting_user on projects',
  'drop policy enginecampro_acting_user on cams',
  `create policy enginecampro_acting_user on users using (id = ${ACTING_USER} or lower(email) = ${ACTING_EMAIL}) with check (id = ${ACTING_USER})`,
  `create policy enginecampro_acting_user on projects using (user_id = ${ACTING_USER}) with check (user_id = ${ACTING_USER})`,
  `create policy enginecampro_acting_user on cams using (user_id = ${ACTING_USER}) with check (user_id = ${ACTING_USER})`,
].join('; ');

async function nodeOf(tenant: Tenant): Promise<string> {
  const nodes = new Set(Object.values(await nodesOfTables(tenant)).flat());
  expect(nodes.size).toBe(1);
  return [...nodes][0]!;
}

describe('migrations in a schema per tenant', () => {
  it('migrate() from three instances at once applies every migration once, without citus.enable_unsafe_triggers', async () => {
    const { rows } = await admin.query<{ setting: string }>(`select current_setting('citus.enable_unsafe_triggers') as setting`);
    expect(rows[0]!.setting).toBe('off');
    for (const tenant of TENANTS) {
      const instances = [connect({ url, schema: tenant }), connect({ url, schema: tenant }), connect({ url, schema: tenant })];
      try {
        const applied = await Promise.all(instances.map((instance) => instance.migrate()));
        expect(applied.map((names) => names.length).sort()).toEqual([0, 0, 5]);
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
      expect(await db(tenant).migrate()).toEqual([]);
      const status = await db(tenant).migrationStatus();
      expect(status.pending).toEqual([]);
      expect(status.executed.map((migration) => migration.name)).toEqual(bundledMigrations.map((migration) => migration.name));
    }
  });

  it("each tenant's tables, its migration history included, are distributed and live together on one worker", async () => {
    const { rows } = await admin.query<{ schema_name: string }>(`select schema_name::text from citus_schemas order by 1`);
    expect(rows.map((row) => row.schema_name)).toEqual(expect.arrayContaining([...TENANTS]));
    for (const tenant of TENANTS) {
      const tables = await nodesOfTables(tenant);
      expect(Object.keys(tables)).toEqual(['cams', 'enginecampro_db_migrations', 'projects', 'users']);
      expect(workers).toContain(await nodeOf(tenant));
    }
  });

  it('checkConnection() and the command line check: tables present, nothing pending, the schema as the entities declare it', async () => {
    for (const tenant of TENANTS) {
      const report = await db(tenant).checkConnection();
      expect(report).toMatchObject({ schema: tenant, tablesPresent: true, missingTables: [], pendingMigrations: [] });
      const check = await runCli(['check', '--url', url, '--schema', tenant]);
      expect(check.stdout).toContain('Schema      matches the entities');
      expect(check.exitCode).toBe(0);
    }
  });

  it('migrate({ grantTo }) is refused, saying why, and changes nothing: policies on distributed tables cannot find a user by e-mail', async () => {
    await admin.query(`do $$ begin if not exists (select from pg_roles where rolname = 'tenant_app') then create role tenant_app; end if; end $$`);
    const tenant = connect({ url, schema: 'tenant_granted' });
    try {
      const refused = tenant.migrate({ grantTo: 'tenant_app' });
      await expect(refused).rejects.toBeInstanceOf(ConfigurationError);
      await expect(refused).rejects.toThrow(/distributed tables of Citus.*without grantTo or endUsers/);
      expect((await tenant.checkConnection()).tablesPresent).toBe(false);
      expect(await tenant.migrate()).toHaveLength(5);
      await expect(tenant.migrate({ grantTo: 'tenant_app' })).rejects.toBeInstanceOf(ConfigurationError);
    } finally {
      await tenant.close();
    }
  });

  it('an existing installation moves into schema-based sharding: its policies replaced, then citus_schema_distribute()', async () => {
    // Installed before schema-based sharding: a schema of plain tables on the coordinator.
    await admin.query('set citus.enable_schema_based_sharding = off');
    await admin.query('create schema tenant_existing');
    await admin.query('reset citus.enable_schema_based_sharding');
    const tenant = connect({ url, schema: 'tenant_existing' });
    try {
      await tenant.migrate();
      const { id: projectId } = await tenant.projects.create((await tenant.users.upsert({ id: 'user_old', email: 'old@example.com' })).id, { name: 'Kept' });
      expect(await nodesOfTables('tenant_existing')).toEqual({});
      // docs/scaling.md: the policies in the form Citus takes, then the schema distributed.
      await admin.query(`begin; set local search_path to tenant_existing; ${CITUS_POLICIES}; commit`);
      await admin.query(`select citus_schema_distribute('tenant_existing')`);
      const tables = await nodesOfTables('tenant_existing');
      expect(Object.keys(tables)).toEqual(['cams', 'enginecampro_db_migrations', 'projects', 'users']);
      expect(new Set(Object.values(tables).flat()).size).toBe(1);
      expect((await tenant.projects.get('user_old', projectId)).name).toBe('Kept');
      await tenant.cams.createMany('user_old', projectId, Array.from({ length: 30 }, () => camInput({ profilePoints: undefined })));
      expect((await tenant.users.getWithProjects('old@example.com')).projects[0]!.cams).toHaveLength(30);
      expect(await tenant.migrate()).toEqual([]);
      const check = await runCli(['check', '--url', url, '--schema', 'tenant_existing']);
      expect(check.stdout).toContain('Schema      matches the entities');
    } finally {
      await tenant.close();
    }
  });

  it('rollback() to nothing and migrate() again in a tenant schema', async () => {
    const tenant = connect({ url, schema: 'tenant_rolled_back' });
    try {
      expect(await tenant.migrate()).toHaveLength(5);
      expect(await tenant.rollback({ to: 0 })).toHaveLength(5);
      expect((await tenant.checkConnection()).tablesPresent).toBe(false);
      expect(await tenant.migrate()).toHaveLength(5);
      await tenant.users.upsert({ id: 'user_back', email: 'back@example.com' });
      expect((await tenant.users.get('user_back')).email).toBe('back@example.com');
    } finally {
      await tenant.close();
    }
  });
});

describe('service calls in a schema per tenant', () => {
  /** Every kind of call once, in the order a user's life takes them, as `[name, call]`; `ids` carries what they create. */
  function calls(tenant: Tenant) {
    const d = db(tenant);
    const ids = { project: 0, cam: 0, copy: 0 };
    const email = `owner@${tenant.replace('_', '-')}.example.com`;
    const list: [string, () => Promise<unknown>][] = [
      ['users.upsert', () => d.users.upsert({ id: 'user_1', email })],
      ['users.get', () => d.users.get('user_1')],
      ['users.getByEmail', () => d.users.getByEmail(email.toUpperCase())],
      ['users.update', () => d.users.update('user_1', { subscriptionStatus: 'pro' })],
      ['projects.create', async () => (ids.project = (await d.projects.create('user_1', { name: 'Race engine' })).id)],
      ['projects.update', () => d.projects.update('user_1', ids.project, { description: 'V8' })],
      ['cams.create', async () => (ids.cam = (await d.cams.create('user_1', ids.project, camInput())).id)],
      ['cams.createMany of 3', () => d.cams.createMany('user_1', ids.project, [camInput(), camInput(), camInput({ camType: 'exhaust' })])],
      ['cams.createMany of 30 (COPY)', () => d.cams.createMany('user_1', ids.project, Array.from({ length: 30 }, () => camInput({ profilePoints: undefined })))],
      ['cams.update', () => d.cams.update('user_1', ids.cam, { name: 'Renamed' }, { expectedVersion: 1 })],
      ['cams.get', () => d.cams.get('user_1', ids.cam)],
      ['cams.list', () => d.cams.list('user_1', ids.project, { camType: 'exhaust' })],
      ['projects.get with cams', () => d.projects.get('user_1', ids.project, { withCams: true })],
      ['projects.list with cams', () => d.projects.list('user_1', { withCams: true })],
      ['projects.import of 30 cams (COPY)', async () => d.projects.import('user_1', await d.projects.export('user_1', ids.project))],
      ['projects.duplicate', async () => (ids.copy = (await d.projects.duplicate('user_1', ids.project)).id)],
      ['users.getWithProjects', () => d.users.getWithProjects(email)],
      ['db.transaction', () => d.transaction(async (tx) => {
        const project = await tx.projects.create('user_1', { name: 'In a transaction' });
        await tx.cams.createMany('user_1', project.id, [camInput(), camInput()]);
      })],
      ['cams.delete', () => d.cams.delete('user_1', ids.cam)],
      ['projects.delete', () => d.projects.delete('user_1', ids.copy)],
    ];
    return { list, ids, email };
  }

  const placements = new Map<Tenant, Map<string, Awaited<ReturnType<typeof placementsOf>>>>();

  beforeAll(async () => {
    for (const tenant of TENANTS) await db(tenant).migrate();
  });

  it('every call works in both tenants, each tenant seeing its own rows alone', async () => {
    for (const tenant of TENANTS) {
      const { list, email } = calls(tenant);
      const byCall = new Map<string, Awaited<ReturnType<typeof placementsOf>>>();
      for (const [name, call] of list) {
        const sent = await statementsSentBy(call);
        byCall.set(name, await placementsOf(admin, sent));
      }
      placements.set(tenant, byCall);
      const user = await db(tenant).users.getWithProjects(email);
      expect(user.email).toBe(email);
      expect(user.subscriptionStatus).toBe('pro');
      // The project (1 + 3 + 30 cams, one deleted since), its import (34 cams; its copy was deleted) and the project
      // made in the transaction (2 cams).
      expect(user.projects.map((project) => [project.name, project.cams.length])).toEqual([
        ['Race engine', 33],
        ['Race engine', 34],
        ['In a transaction', 2],
      ]);
      expect(user.projects[0]!.description).toBe('V8');
    }
    // Same user id in both schemas, two installations: each sees its own e-mail address.
    expect((await db('tenant_a').users.get('user_1')).email).toBe('owner@tenant-a.example.com');
    expect((await db('tenant_b').users.get('user_1')).email).toBe('owner@tenant-b.example.com');
    await expect(db('tenant_b').users.getByEmail('owner@tenant-a.example.com')).rejects.toBeInstanceOf(NotFoundError);
  });

  it("every statement of every call reads and writes the tenant's node alone; all but the inserts from a SELECT and the copy are router plans", async () => {
    for (const tenant of TENANTS) {
      const node = await nodeOf(tenant);
      const byCall = placements.get(tenant)!;
      expect(byCall.size).toBe(20);
      const notRouter: string[] = [];
      for (const [name, statements] of byCall) {
        expect(statements.length, name).toBeGreaterThan(0);
        for (const statement of statements) {
          // The pool's first call on users asks the catalog once whether the tables are distributed by user.
          if (statement.local && /pg_dist_partition/.test(statement.text)) continue;
          expect(statement.local, `${name}: ${statement.text}`).toBe(false);
          // An INSERT ... SELECT pulled to the coordinator names no node: it writes to the table's one shard, on `node`.
          expect(statement.nodes, `${name}: ${statement.text}`).toEqual(statement.router ? [node] : statement.nodes.length ? [node] : []);
          if (!statement.router) notRouter.push(name);
        }
      }
      // Citus runs these in steps, every one on the same node: an INSERT ... SELECT into a table whose id is a serial
      // (nextval() is volatile) or from a function (the upsert's advisory lock) runs its SELECT there and inserts the
      // rows it pulled to the coordinator; a modifying CTE (the copy of a project and its cams) runs as subplans.
      expect([...new Set(notRouter)].sort()).toEqual([
        'cams.create',
        'cams.createMany of 3',
        'cams.createMany of 30 (COPY)',
        'projects.duplicate',
        'projects.import of 30 cams (COPY)',
        'users.upsert',
      ]);
    }
  });

  it('a failed transaction leaves nothing on the node', async () => {
    const d = db('tenant_a');
    const before = (await d.projects.list('user_1')).items.length;
    await expect(
      d.transaction(async (tx) => {
        const project = await tx.projects.create('user_1', { name: 'Rolled back' });
        await tx.cams.createMany('user_1', project.id, Array.from({ length: 30 }, () => camInput({ profilePoints: undefined })));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await d.projects.list('user_1')).items.length).toBe(before);
  });

  it('errors are the typed errors of a single server, though Citus relays them without the constraint and names shards', async () => {
    for (const tenant of TENANTS) {
      const d = db(tenant);
      const taken = d.users.upsert({ id: 'user_2', email: `OWNER@${tenant.replace('_', '-')}.example.com` });
      await expect(taken).rejects.toBeInstanceOf(ConflictError);
      await expect(taken).rejects.toThrow('This e-mail address is already taken by another user');
      const noUser = d.projects.create('user_nobody', { name: 'Orphan' });
      await expect(noUser).rejects.toBeInstanceOf(NotFoundError);
      await expect(noUser).rejects.toMatchObject({ entity: 'User', id: 'user_nobody' });
      await expect(d.cams.create('user_1', 999_999, camInput())).rejects.toMatchObject({ entity: 'Project', id: 999_999 });
      await expect(d.cams.update('user_1', 999_999, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it('users.delete takes the projects and cams along', async () => {
    for (const tenant of TENANTS) {
      await db(tenant).users.delete('user_1');
      const { rows } = await admin.query<{ count: number }>(`select (select count(*) from ${tenant}.projects)::int + (select count(*) from ${tenant}.cams)::int as count`);
      expect(rows[0]!.count).toBe(0);
    }
  });
});
