import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundledMigrations } from '../../migrations/index.ts';
import { connect, type Database } from '../../src/index.ts';
import { camInput } from '../support/fixtures.ts';
import { ensureSupabaseRoles, supabaseDefaultPrivileges } from '../support/roles.ts';
import { securityLints } from '../support/security-lints.ts';
import { useTestDatabase } from '../support/test-database.ts';

/**
 * A database set up as Supabase sets one up (its API roles, and the default privileges every project had until 30 May
 * 2026, which self-hosted installs and many tutorials still run), with the package migrated into it by `postgres`.
 */
const API_ROLES = ['anon', 'authenticated', 'service_role'];
const TABLES = ['users', 'projects', 'cams', 'enginecampro_db_migrations'];
const FUNCTIONS = ['enginecampro_iso_timestamp'];

/** What `role` gets from `sql` on the database of `url`, acting as PostgREST does (`set local role`). */
async function asRole(url: string, role: string, sql: string): Promise<{ rows: unknown[] } | { code: string }> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`set local role ${role}`);
    return { rows: (await client.query(sql)).rows };
  } catch (error) {
    return { code: (error as { code: string }).code };
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

/** A host application's own table beside ours, with the privileges Supabase's defaults give it. */
async function hostTable(url: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  await client.query('create table public.host_posts (id serial primary key, title text)');
  await client.end();
}

describe.each(['public', 'enginecampro'])("a Supabase database, the package's tables in %s", (schema) => {
  const database = useTestDatabase({ migrated: false });
  let db: Database;
  const table = (name: string) => `"${schema}"."${name}"`;

  beforeAll(async () => {
    await ensureSupabaseRoles(inject('postgresAdminUrl'));
    await supabaseDefaultPrivileges(database.url, { everywhere: schema !== 'public' });
    await hostTable(database.url);
    db = connect({ url: database.url, schema });
    await db.migrate();
    const user = await db.users.upsert({ id: 'user_owner', email: 'owner@example.com' });
    const project = await db.projects.create(user.id, { name: 'Private' });
    await db.cams.create(user.id, project.id, camInput());
  });
  afterAll(() => db.close());

  it.each(API_ROLES)('%s can neither read, change nor see any table of the package', async (role) => {
    for (const name of ['users', 'projects', 'cams']) {
      expect(await asRole(database.url, role, `select * from ${table(name)}`)).toEqual({ code: '42501' });
    }
    expect(await asRole(database.url, role, `update ${table('cams')} set lift = 1`)).toEqual({ code: '42501' });
    expect(await asRole(database.url, role, `delete from ${table('users')}`)).toEqual({ code: '42501' });
    expect(await asRole(database.url, role, `insert into ${table('users')} (id, email) values ('intruder', 'i@example.com')`)).toEqual({ code: '42501' });
    expect(await asRole(database.url, role, `select ${table('enginecampro_iso_timestamp')}(now())`)).toEqual({ code: '42501' });
    // pg_graphql and the Data API show a role the tables it may select: none of ours.
    const visible = await asRole(database.url, 'postgres', `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = '${schema}' and c.relname = any('{${TABLES.join(',')}}') and has_table_privilege('${role}', c.oid, 'SELECT')`);
    expect(visible).toEqual({ rows: [] });
  });

  it("leaves the host's own table and its privileges as they were", async () => {
    expect(await asRole(database.url, 'anon', 'select count(*)::int as count from public.host_posts')).toEqual({ rows: [{ count: 0 }] });
  });

  it("passes the checks of Supabase's Security Advisor", async () => {
    expect(await securityLints(database.url, [schema], TABLES, FUNCTIONS)).toEqual([]);
  });

  it('and the checks find what they look for: a table of the same kind left open is reported', async () => {
    const client = new pg.Client(database.url);
    await client.connect();
    await client.query(`create table ${table('lint_probe')} (id int); create function ${table('lint_probe_fn')}() returns int language sql as 'select 1'`);
    await client.end();
    const findings = await securityLints(database.url, [schema], ['lint_probe'], ['lint_probe_fn']);
    expect(findings.map((finding) => finding.lint)).toEqual(expect.arrayContaining(['rls_disabled_in_public', 'function_search_path_mutable', 'anon_privileges']));
  });
});

describe('a Supabase database the previous release installed, upgraded', () => {
  const database = useTestDatabase({ migrated: false });
  const previousRelease = bundledMigrations.find((migration) => migration.name.endsWith('_list_indexes'))!.name;

  it('was open to the API roles before the upgrade and is closed after it', async () => {
    await ensureSupabaseRoles(inject('postgresAdminUrl'));
    await supabaseDefaultPrivileges(database.url);
    const db = connect({ url: database.url });
    try {
      await db.migrate({ to: previousRelease });
      const em = db.fork();
      // This release locks the API roles out at every migrate(); the previous one left them what the defaults gave.
      await em.execute('grant all on all tables in schema public to anon, authenticated, service_role');
      await em.execute('grant all on all sequences in schema public to anon, authenticated, service_role');
      await em.execute(`insert into users (id, email) values ('user_old', 'old@example.com')`);
      // What the issue found: anon reads every user's address.
      expect(await asRole(database.url, 'anon', 'select email from users')).toEqual({ rows: [{ email: 'old@example.com' }] });

      expect((await db.migrate()).length).toBeGreaterThan(0);
      for (const role of API_ROLES) expect(await asRole(database.url, role, 'select email from users')).toEqual({ code: '42501' });
      expect(await securityLints(database.url, ['public'], TABLES, FUNCTIONS)).toEqual([]);
      expect(await db.users.get('user_old')).toMatchObject({ email: 'old@example.com' });
    } finally {
      await db.close();
    }
  });
});
