import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bundledMigrations } from '../../migrations/index.ts';
import { connect } from '../../src/index.ts';
import { adminQuery, useTestDatabase } from '../support/test-database.ts';
import { lines, runCli } from './run-cli.ts';

const allMigrations = bundledMigrations.map((migration) => migration.name);

/** `database.url` with its password masked, as the command line prints it. */
function masked(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '*****';
  return parsed.href;
}

describe('check on a migrated database', () => {
  const database = useTestDatabase();
  const check = (...args: string[]) => runCli(['check', '--url', database.url, ...args]);

  it('passes, and reports the server without showing the password', async () => {
    const result = await check();
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const output = lines(result.stdout);
    expect(output[0]).toBe(`Database    ${masked(database.url)}`);
    expect(output[1]).toMatch(/^Server      PostgreSQL \d+(\.\d+)?.*, database ecp_test_\w+, user \w+$/);
    expect(output[2]).toMatch(/^Round trip  \d+\.\d ms$/);
    expect(output.slice(3)).toEqual([
      'Tables      all present',
      'Migrations  up to date',
      'Schema      matches the entities',
      'Check passed.',
    ]);
    const password = new URL(database.url).password;
    if (password) expect(result.stdout).not.toContain(`:${password}@`);
  });

  it('passes with --json, in one JSON document', async () => {
    const result = await check('--json');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      url: masked(database.url),
      tablesPresent: true,
      missingTables: [],
      pendingMigrations: [],
      schemaDrift: false,
      schemaDiff: [],
      latencyMillis: expect.any(Number),
    });
  });

  it('leaves a host application’s own tables out of the drift', async () => {
    const em = database.db.fork();
    await em.execute(`create table host_audit_entries (id serial primary key, user_id varchar(255) references users on delete cascade)`);
    try {
      expect((await check()).exitCode).toBe(0);
    } finally {
      await em.execute('drop table host_audit_entries');
    }
  });

  it('leaves another installation in a schema of its own (a tenant) out of the drift, and checks that one apart', async () => {
    const tenant = connect({ url: database.url, schema: 'check_tenant' });
    try {
      await tenant.migrate();
      expect((await check()).exitCode).toBe(0);
      expect((await check('--schema', 'check_tenant')).exitCode).toBe(0);
      await tenant.fork().execute('alter table check_tenant.projects drop constraint projects_user_id_foreign');
      expect((await check()).exitCode).toBe(0);
      const drifted = await check('--schema', 'check_tenant', '--json');
      expect(drifted.exitCode).toBe(1);
      expect(JSON.parse(drifted.stdout).schemaDiff).toEqual([expect.stringMatching(/^alter table "check_tenant"\."projects" add constraint "projects_user_id_foreign"/)]);
    } finally {
      await tenant.fork().execute('drop schema check_tenant cascade');
      await tenant.close();
    }
  });

  it('leaves the policies migrate() keeps by its options out of the drift: a granted role seeing every row, end users’ reads', async () => {
    const [app, reader] = [`ecp_cli_app_${randomBytes(4).toString('hex')}`, `ecp_cli_reader_${randomBytes(4).toString('hex')}`];
    const installation = connect({ url: database.url, schema: 'check_access' });
    await adminQuery(`create role ${app}; create role ${reader}`);
    try {
      await installation.migrate({ grantTo: app, endUsers: { role: reader } });
      const policies = await installation.fork().execute<{ policyname: string }[]>(`select distinct policyname from pg_policies where schemaname = 'check_access' order by 1`);
      expect(policies.map((row) => row.policyname)).toEqual(['enginecampro_acting_user', 'enginecampro_all_rows', 'enginecampro_end_user_read', 'enginecampro_read_history']);
      expect(await check('--schema', 'check_access')).toMatchObject({ exitCode: 0, stderr: '' });
    } finally {
      await installation.fork().execute('drop schema check_access cascade');
      await installation.close();
      await adminQuery(`drop role ${app}; drop role ${reader}`);
    }
  });

  it('fails with exit 1 and lists the statements when the schema was changed outside the migrations', async () => {
    const em = database.db.fork();
    await em.execute('alter table cams add column notes text');
    try {
      const text = await check();
      expect(text.exitCode).toBe(1);
      expect(text.stdout).toContain('Schema      differs from the entities: 1 statement would change it');
      expect(text.stdout).toContain('alter table "cams" drop column "notes";');
      expect(lines(text.stdout).at(-1)).toBe('Check failed: the schema was changed outside the migrations.');

      const json = await check('--json');
      expect(json.exitCode).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, pendingMigrations: [], schemaDrift: true, schemaDiff: ['alter table "cams" drop column "notes";'] });
    } finally {
      await em.execute('alter table cams drop column notes');
    }
    expect((await check()).exitCode).toBe(0);
  });

  it('masks the whole password, even one with an unescaped @', async () => {
    const role = `ecp_cli_${randomBytes(4).toString('hex')}`;
    // A member of the tables' owner: PostgreSQL shows the triggers and checks of a table only to its owner's roles,
    // and without them the schema would read as drifted.
    const [owner] = await adminQuery<{ name: string }>('select current_user as name');
    await adminQuery(`create role ${role} login password 'open@sesame' in role "${owner!.name}"`);
    try {
      const url = new URL(database.url);
      const withRole = `postgres://${role}:open@sesame@${url.host}${url.pathname}`;
      const result = await runCli(['check', '--url', withRole]);
      expect(result).toMatchObject({ exitCode: 0, stderr: '' });
      expect(lines(result.stdout)[0]).toBe(`Database    postgres://${role}:*****@${url.host}${url.pathname}`);
      expect(result.stdout).not.toContain('sesame');
    } finally {
      await adminQuery(`drop role ${role}`);
    }
  });
});

describe('check on an empty database', () => {
  const database = useTestDatabase({ migrated: false });

  it('fails with exit 1: tables missing, migrations pending, schema behind', async () => {
    const text = await runCli(['check', '--url', database.url]);
    expect(text).toMatchObject({ exitCode: 1, stderr: '' });
    expect(text.stdout).toContain('Tables      missing: users, projects, cams');
    expect(text.stdout).toContain(`Migrations  ${allMigrations.length} pending: ${allMigrations.join(', ')}`);
    expect(text.stdout).toContain('Schema      differs from the entities until the pending migrations are applied');
    expect(lines(text.stdout).at(-1)).toMatch(/^Check failed: \d+ pending migrations?\.$/);

    const json = await runCli(['check', '--json'], { DATABASE_URL: database.url });
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; pendingMigrations: string[]; schemaDrift: boolean; schemaDiff: string[] };
    expect(report).toMatchObject({ ok: false, tablesPresent: false, pendingMigrations: allMigrations, schemaDrift: true });
    expect(report.schemaDiff).toContainEqual(expect.stringMatching(/^create table "users"/));
  });
});
