import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigurationError, connect, NotFoundError, type Database, type ProjectDocument } from '../../src/index.ts';
import { camInput } from '../support/fixtures.ts';
import { StatementWithSettings } from '../../src/connection/transaction-settings.ts';
import { createLoginRole, dropRole } from '../support/roles.ts';
import { queriesOf } from '../support/statement-counter.ts';
import { useTestDatabase } from '../support/test-database.ts';

/**
 * The usual production split: one role owns the schema and runs the migrations, the application connects as another,
 * granted what the service calls need by `migrate({ grantTo })`, which neither owns the tables nor bypasses row-level
 * security: held to the acting user by the database (`enforceOwnership: true`), or seeing every row as the owner does
 * and held to it by the package's statements alone (the default). The whole service suite also runs as an enforced
 * role (`TEST_ROLE=granted` in `.ci/run`); here, what only that split shows.
 */
const database = useTestDatabase({ migrated: false });
const suffix = `${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const ownerRole = `ecp_owner_${suffix}`;
const appRole = `ecp_app_${suffix}`;
const trustedRole = `ecp_trusted_${suffix}`;
let ownerUrl: string;
let appUrl: string;
let trustedUrl: string;
let owner: Database;
let app: Database;
let trusted: Database;

/** Runs `statements` in one transaction as the application's role, acting for `actingUser` when given. */
const asApp = (statements: string[], actingUser?: string) => asRole(appUrl, statements, actingUser);

/** Runs `statements` in one transaction as the role of `url`, acting for `actingUser` when given. */
async function asRole(url: string, statements: string[], actingUser?: string): Promise<{ rows: Record<string, unknown>[] } | { code: string }> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query('begin');
    if (actingUser) await client.query(`select set_config('enginecampro.acting_user', $1, true)`, [actingUser]);
    let rows: Record<string, unknown>[] = [];
    for (const sql of statements) rows = (await client.query(sql)).rows;
    return { rows };
  } catch (error) {
    return { code: (error as { code: string }).code };
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

beforeAll(async () => {
  const admin = inject('postgresAdminUrl');
  ownerUrl = await createLoginRole(admin, database.url, ownerRole);
  appUrl = await createLoginRole(admin, database.url, appRole);
  trustedUrl = await createLoginRole(admin, database.url, trustedRole);
  // The owner may create the package's schema and objects in this database, nothing more.
  const client = new pg.Client(database.url);
  await client.connect();
  await client.query(`grant create on database "${new URL(database.url).pathname.slice(1)}" to ${ownerRole}`);
  await client.end();
  owner = connect({ url: ownerUrl, schema: 'enginecampro' });
  await owner.migrate({ grantTo: appRole, enforceOwnership: true });
  await owner.migrate({ grantTo: trustedRole });
  app = connect({ url: appUrl, schema: 'enginecampro' });
  trusted = connect({ url: trustedUrl, schema: 'enginecampro' });
});
afterAll(async () => {
  await app?.close();
  await trusted?.close();
  await owner?.close();
  const admin = new pg.Client(database.url);
  await admin.connect();
  await admin.query(`drop schema if exists enginecampro cascade`);
  await admin.query(`revoke all on database "${new URL(database.url).pathname.slice(1)}" from ${ownerRole}`);
  await admin.end();
  for (const role of [appRole, trustedRole, ownerRole]) await dropRole(inject('postgresAdminUrl'), role);
});

/** The statements that would change the schema, each refused to a granted role (42501). */
const SCHEMA_CHANGES = [
  'alter table enginecampro.cams add column notes text',
  'drop table enginecampro.cams',
  'truncate enginecampro.cams',
  'create table enginecampro.mine (id int)',
  'drop policy enginecampro_acting_user on enginecampro.cams',
  'alter table enginecampro.cams disable row level security',
];

describe('a role granted the tables by migrate({ grantTo, enforceOwnership: true })', () => {
  it('makes every service call, in transactions, bulk writes included', async () => {
    const alice = await app.users.upsert({ id: 'user_alice', email: 'alice@example.com' });
    await app.users.update(alice.id, { subscriptionStatus: 'pro' });
    expect(await app.users.getByEmail('ALICE@example.com')).toMatchObject({ id: alice.id, subscriptionStatus: 'pro' });
    const project = await app.projects.create(alice.id, { name: 'Street' });
    const cam = await app.cams.create(alice.id, project.id, camInput());
    await app.cams.update(alice.id, cam.id, { duration: 270 }, { expectedVersion: 1 });
    const many = await app.cams.createMany(alice.id, project.id, Array.from({ length: 30 }, (_, i) => camInput({ name: `Bulk ${i}` })));
    expect(many).toHaveLength(30);
    expect((await app.cams.list(alice.id, project.id, { limit: 100 })).items).toHaveLength(31);
    const copy = await app.projects.duplicate(alice.id, project.id);
    expect(copy.cams).toHaveLength(31);
    const document: ProjectDocument = await app.projects.export(alice.id, project.id);
    const imported = await app.projects.import(alice.id, document);
    expect(imported.cams).toHaveLength(31);
    await app.transaction(async (tx) => {
      const inTx = await tx.projects.create(alice.id, { name: 'In a transaction' });
      await tx.cams.createMany(alice.id, inTx.id, Array.from({ length: 40 }, () => camInput()));
      await tx.projects.update(alice.id, inTx.id, { description: 'with 40 cams' });
    });
    const graph = await app.users.getWithProjects('alice@example.com');
    expect(graph.projects.map((p) => p.cams.length)).toEqual([31, 31, 31, 40]);
    expect((await app.projects.get(alice.id, project.id, { withCams: true })).cams).toHaveLength(31);
    await app.cams.delete(alice.id, cam.id);
    await app.projects.delete(alice.id, copy.id);
    expect((await app.projects.list(alice.id)).items).toHaveLength(3);
    await app.users.delete(alice.id);
    await expect(app.users.get(alice.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('checks the connection and reports the migrations', async () => {
    const report = await app.checkConnection();
    expect(report).toMatchObject({ user: appRole, schema: 'enginecampro', tablesPresent: true, pendingMigrations: [] });
    expect((await app.migrationStatus()).pending).toEqual([]);
  });

  it('cannot change the schema: no ALTER, DROP, TRUNCATE or new table', async () => {
    for (const sql of SCHEMA_CHANGES) expect(await asApp([sql]), sql).toEqual({ code: '42501' });
  });

  it('sees no row with nobody acting, and only the acting user’s rows in a statement without an ownership clause', async () => {
    for (const id of ['user_bob', 'user_carol']) {
      await app.users.upsert({ id, email: `${id}@example.com` });
      const project = await app.projects.create(id, { name: `${id}'s` });
      await app.cams.create(id, project.id, camInput());
    }
    expect(await asApp(['select count(*)::int as count from enginecampro.cams'])).toEqual({ rows: [{ count: 0 }] });
    expect(await asApp(['select distinct user_id from enginecampro.cams'], 'user_bob')).toEqual({ rows: [{ user_id: 'user_bob' }] });
    expect(await asApp(['select id from enginecampro.users order by id'], 'user_bob')).toEqual({ rows: [{ id: 'user_bob' }] });
    // A write that forgot whose rows it changes changes only the acting user's.
    expect(await asApp([`update enginecampro.cams set duration = 1`, 'select count(*)::int as count from enginecampro.cams where duration = 1'], 'user_bob')).toEqual({
      rows: [{ count: 1 }],
    });
    // And cannot write a row for another user.
    expect(await asApp([`insert into enginecampro.projects (user_id, name) values ('user_carol', 'planted')`], 'user_bob')).toEqual({ code: '42501' });
  });

  it('keeps its grants, enforced, through a later migrate() that does not name it or names it without the option', async () => {
    await owner.migrate();
    await owner.migrate({ grantTo: appRole });
    expect(await app.users.get('user_bob')).toMatchObject({ id: 'user_bob' });
    expect(await asApp(['select count(*)::int as count from enginecampro.cams'])).toEqual({ rows: [{ count: 0 }] });
  });

  it('loses them with migrate({ revokeFrom }), and then every call is a ConfigurationError', async () => {
    await owner.migrate({ revokeFrom: appRole });
    await expect(app.users.get('user_bob')).rejects.toBeInstanceOf(ConfigurationError);
    await owner.migrate({ grantTo: appRole, enforceOwnership: true });
    expect(await app.users.get('user_bob')).toMatchObject({ id: 'user_bob' });
  });
});

describe('a role granted the tables by migrate({ grantTo }) alone: ownership enforced by the package’s statements', () => {
  it('makes the service calls, and sends the acting user only with the first statement on each table, as the owner does', async () => {
    const user = await trusted.users.upsert({ id: 'user_trusted', email: 'trusted@example.com' });
    const project = await trusted.projects.create(user.id, { name: 'Trusted' });
    const cams = await trusted.cams.createMany(user.id, project.id, Array.from({ length: 30 }, (_, i) => camInput({ name: `Bulk ${i}` })));
    await trusted.cams.update(user.id, cams[0]!.id, { duration: 250 }, { expectedVersion: 1 });
    expect(await trusted.users.getWithProjects(user.email)).toMatchObject({ id: user.id, projects: [{ id: project.id, cams: expect.any(Array) }] });
    expect(await actingUserSent(async () => {
      await trusted.users.get(user.id);
      await trusted.projects.get(user.id, project.id, { withCams: true });
      await trusted.cams.get(user.id, cams[1]!.id);
      await trusted.users.getByEmail(user.email);
    })).toEqual([false, false, false, false]);
    await expect(trusted.cams.get('user_bob', cams[1]!.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sees every user’s rows in SQL of its own, as the owner does, and cannot change the schema', async () => {
    const { rows } = (await asRole(trustedUrl, ['select distinct user_id from enginecampro.cams order by 1'])) as { rows: unknown[] };
    expect(rows).toEqual(expect.arrayContaining([{ user_id: 'user_bob' }, { user_id: 'user_carol' }, { user_id: 'user_trusted' }]));
    for (const sql of SCHEMA_CHANGES) expect(await asRole(trustedUrl, [sql]), sql).toEqual({ code: '42501' });
  });

  it('is held to the acting user from migrate({ grantTo, enforceOwnership: true }) on, and set free again by enforceOwnership: false', async () => {
    const count = 'select count(*)::int as count from enginecampro.cams';
    await owner.migrate({ grantTo: trustedRole, enforceOwnership: true });
    expect(await asRole(trustedUrl, [count])).toEqual({ rows: [{ count: 0 }] });
    expect(await asRole(trustedUrl, ['select distinct user_id from enginecampro.cams'], 'user_bob')).toEqual({ rows: [{ user_id: 'user_bob' }] });
    await owner.migrate({ grantTo: trustedRole, enforceOwnership: false });
    const { rows } = (await asRole(trustedUrl, [count])) as { rows: { count: number }[] };
    expect(rows[0]!.count).toBeGreaterThan(2);
    // The enforced role kept its way meanwhile.
    expect(await asApp([count])).toEqual({ rows: [{ count: 0 }] });
  });

  it('loses every row with migrate({ revokeFrom }), the all-rows policy included', async () => {
    await owner.migrate({ revokeFrom: trustedRole });
    const policies = await owner.fork().execute<{ roles: string[] }[]>(
      `select roles::text[] as roles from pg_policies where schemaname = 'enginecampro' and policyname = 'enginecampro_all_rows'`,
    );
    expect(policies.flatMap((policy) => policy.roles)).not.toContain(trustedRole);
    expect(await asRole(trustedUrl, ['select count(*) from enginecampro.cams'])).toEqual({ code: '42501' });
    await owner.migrate({ grantTo: trustedRole });
    expect(await trusted.users.get('user_trusted')).toMatchObject({ id: 'user_trusted' });
  });
});

/** Whether each statement `work` sends carries the acting user's setting (`StatementWithSettings`), in order. */
async function actingUserSent(work: () => Promise<unknown>): Promise<boolean[]> {
  const { queries } = await queriesOf(work);
  return queries.filter(({ query }) => typeof query !== 'string' || !/^(begin|commit|rollback)/i.test(query)).map(({ query }) => query instanceof StatementWithSettings);
}

describe('the acting user sent where row-level security applies, and only there', () => {
  it('by a role subject to it: with every statement', async () => {
    const user = await app.users.upsert({ id: 'user_settings_app', email: 'settings.app@example.com' });
    expect(await actingUserSent(async () => {
      await app.users.get(user.id);
      await app.users.get(user.id);
      await app.users.getByEmail(user.email);
    })).toEqual([true, true, true]);
  });

  it('by the owner, whom the policies never restrict: asked with its first statement on a table, then never again', async () => {
    const fresh = connect({ url: ownerUrl, schema: 'enginecampro' });
    try {
      const user = await fresh.users.upsert({ id: 'user_settings_owner', email: 'settings.owner@example.com' });
      const project = await fresh.projects.create(user.id, { name: 'Owned' });
      expect(await actingUserSent(async () => {
        await fresh.users.get(user.id);
        await fresh.projects.get(user.id, project.id);
        await fresh.cams.list(user.id, project.id); // the first statement on cams of this pool
        await fresh.cams.list(user.id, project.id);
      })).toEqual([false, false, true, false]);
    } finally {
      await fresh.close();
    }
  });
});

describe('statements after the acting user, prepared', () => {
  it('go by a name of their own, parsed once per connection, and run again after one that failed once parsed', async () => {
    const single = connect({ url: appUrl, schema: 'enginecampro', pool: { max: 1 } });
    try {
      const [amy] = await Promise.all([
        app.users.upsert({ id: 'user_prepared_amy', email: 'prepared.amy@example.com' }),
        app.users.upsert({ id: 'user_prepared_ben', email: 'prepared.ben@example.com' }),
      ]);
      const prepared = async () =>
        (await single.fork().getConnection().execute<{ name: string }[]>(`select name from pg_prepared_statements where name like 'enginecampro%' order by name`)).map(
          (row) => row.name,
        );
      await single.users.get(amy.id);
      await single.users.get(amy.id);
      const [name, ...others] = await prepared();
      expect(others).toEqual([]);
      expect(name).toMatch(/^enginecampro_[0-9a-f]{40}_s$/);
      // An address another user holds fails when the statement runs, after it was parsed: the next attempts close
      // and parse it again rather than take it for prepared, or not.
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(single.users.update(amy.id, { email: 'prepared.ben@example.com' })).rejects.toMatchObject({ code: 'CONFLICT' });
      }
      expect(await single.users.update(amy.id, { email: 'prepared.amy.new@example.com' })).toMatchObject({ email: 'prepared.amy.new@example.com' });
      expect(await single.users.update(amy.id, { email: 'prepared.amy@example.com' })).toMatchObject({ email: 'prepared.amy@example.com' });
      expect(await prepared()).toHaveLength(2);
      // Nothing of that made the handle stop preparing: a statement on another table is prepared too.
      await single.projects.list(amy.id);
      expect(await prepared()).toHaveLength(3);
    } finally {
      await single.close();
    }
  });
});

describe('migrate({ grantTo }) refuses, before it changes anything', () => {
  it('enforceOwnership without the roles it applies to', async () => {
    await expect(owner.migrate({ enforceOwnership: true })).rejects.toThrow(/enforceOwnership applies to the roles of grantTo/);
  });

  it.each([
    ['a role that does not exist', 'no_such_role_here', /No such role: "no_such_role_here"/],
    ["Supabase's API roles", 'authenticated', /Cannot grant the package's tables to "authenticated"/],
    ['everyone', 'public', /Cannot grant the package's tables to "public"/],
  ])('%s', async (_name, role, message) => {
    await expect(owner.migrate({ grantTo: role })).rejects.toThrow(message);
    await expect(owner.migrate({ grantTo: role })).rejects.toBeInstanceOf(ConfigurationError);
  });
});
