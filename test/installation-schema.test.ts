import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledMigrations } from '../migrations/index.ts';
import { ConfigurationError, connect, MIGRATIONS_TABLE, User, type Database } from '../src/index.ts';
import { lines, runCli } from './cli/run-cli.ts';
import { useTestDatabase } from './support/test-database.ts';

const allMigrations = bundledMigrations.map((migration) => migration.name);

async function tablesIn(db: Database, schema: string): Promise<string[]> {
  const rows = await db.fork().execute<{ table_name: string }[]>(
    'select table_name from information_schema.tables where table_schema = ? order by table_name',
    [schema],
  );
  return rows.map((row) => row.table_name);
}

/** One of each kind of service call, ending with the data it left behind. */
async function useEveryService(db: Database, userId: string, email: string) {
  await db.users.upsert({ id: userId, email });
  const project = await db.projects.create(userId, { name: 'Race engine' });
  const cam = await db.cams.create(userId, project.id, { name: 'Intake', camType: 'intake', lift: 12.5, duration: 280 });
  await db.cams.update(userId, cam.id, { duration: 284 }, { expectedVersion: 1 });
  const listed = await db.projects.list(userId);
  const withCams = await db.projects.get(userId, project.id, { withCams: true });
  return { project, listed, withCams, user: await db.users.get(userId) };
}

describe('a database whose public schema already has a users table of the host application', () => {
  const database = useTestDatabase({ migrated: false });
  let host: Database;
  let ours: Database;

  beforeAll(async () => {
    host = connect({ url: database.url });
    await host.fork().execute(`create table public.users (id serial primary key, login text not null unique, "password_hash" text)`);
    await host.fork().execute(`insert into public.users (login, password_hash) values ('alice', 'x'), ('bob', 'y')`);
    ours = connect({ url: database.url, schema: 'enginecampro' });
  });
  afterAll(async () => {
    await ours.close();
    await host.close();
  });

  it('refuses to install in public beside it, names the option, and creates nothing', async () => {
    const attempt = host.migrate();
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(/"public"\."users" already exists and was not created by its migrations.*schema: 'enginecampro'/);
    expect(await tablesIn(host, 'public')).toEqual(['users']);
  });

  it('installs the package in a schema of its own, created by migrate()', async () => {
    expect(await ours.migrate()).toEqual(allMigrations);
    expect(await tablesIn(ours, 'enginecampro')).toEqual(['cams', MIGRATIONS_TABLE, 'projects', 'users'].sort());
    expect(await tablesIn(ours, 'public')).toEqual(['users']);
    expect(await ours.migrate()).toEqual([]);
  });

  it('serves every call from its own tables and leaves the host table untouched', async () => {
    const { listed, withCams, user } = await useEveryService(ours, 'user_1', 'driver@example.com');
    expect(user).toMatchObject({ id: 'user_1', email: 'driver@example.com' });
    expect(listed.items.map((project) => project.name)).toEqual(['Race engine']);
    expect(withCams.cams).toMatchObject([{ name: 'Intake', duration: 284, version: 2 }]);
    const hostRows = await host.fork().execute('select id, login, password_hash from public.users order by id');
    expect(hostRows).toEqual([
      { id: 1, login: 'alice', password_hash: 'x' },
      { id: 2, login: 'bob', password_hash: 'y' },
    ]);
  });

  it("names the schema in every statement, so no call depends on the connection's search_path", async () => {
    const logged: string[] = [];
    const logging = connect({ url: database.url, schema: 'enginecampro', debug: true, logger: (line) => logged.push(line) });
    try {
      await useEveryService(logging, 'user_2', 'second@example.com');
      const em = logging.fork();
      expect(await em.findOneOrFail(User, 'user_2')).toMatchObject({ email: 'second@example.com' });
    } finally {
      await logging.close();
    }
    const statements = logged.filter((line) => /\b(select|insert|update|delete)\b/i.test(line));
    expect(statements.length).toBeGreaterThan(5);
    // Each names its schema: ours, or the catalog's (whether the tables are distributed, asked once per pool).
    for (const statement of statements) expect(statement).toMatch(/"enginecampro"\.|pg_catalog\./);
  });

  it('reports its own schema in checkConnection() and finds no drift there', async () => {
    expect(await ours.checkConnection()).toMatchObject({ schema: 'enginecampro', tablesPresent: true, missingTables: [], pendingMigrations: [] });
    expect(await host.checkConnection()).toMatchObject({ schema: 'public', tablesPresent: false, missingTables: ['projects', 'cams'] });
    expect(await ours.orm.schema.getUpdateSchemaSQL({ wrap: false, dropTables: false })).toBe('');
  });

  it('the command line takes the schema from --schema or ENGINECAMPRO_DB_SCHEMA', async () => {
    const flag = await runCli(['check', '--url', database.url, '--schema', 'enginecampro']);
    expect(flag.stderr).toBe('');
    expect(flag.exitCode).toBe(0);
    expect(lines(flag.stdout)).toContain('Check passed.');
    const variable = await runCli(['status', '--url', database.url, '--json'], { ENGINECAMPRO_DB_SCHEMA: 'enginecampro' });
    expect(variable.exitCode).toBe(0);
    expect(JSON.parse(variable.stdout)).toMatchObject({ pending: [] });
    const refused = await runCli(['migrate', '--url', database.url]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/--schema enginecampro/);
  });
});

describe('two schemas in one database', () => {
  const database = useTestDatabase({ migrated: false });
  const tenants = ['tenant_a', 'tenant_b'] as const;
  const handles = new Map<string, Database[]>();
  const db = (schema: string) => handles.get(schema)![0]!;

  beforeAll(() => {
    // Three instances per schema, as when several replicas of a service start at once.
    for (const schema of tenants) handles.set(schema, [0, 1, 2].map(() => connect({ url: database.url, schema })));
  });
  afterAll(async () => {
    await Promise.all([...handles.values()].flat().map((handle) => handle.close()));
  });

  it('migrate concurrently: each schema applies each migration exactly once', async () => {
    const applied = await Promise.all([...handles.values()].flat().map((handle) => handle.migrate()));
    // Per schema, one instance applied everything and the others found nothing to do.
    for (const [index, schema] of tenants.entries()) {
      const results = applied.slice(index * 3, index * 3 + 3);
      expect(results.filter((names) => names.length > 0)).toEqual([allMigrations]);
      const history = await db(schema).fork().execute(`select name from "${schema}"."${MIGRATIONS_TABLE}"`);
      expect(history).toEqual(allMigrations.map((name) => ({ name })));
    }
  });

  it('hold independent data under the same ids', async () => {
    await db('tenant_a').users.upsert({ id: 'same_id', email: 'a@example.com' });
    await db('tenant_b').users.upsert({ id: 'same_id', email: 'b@example.com' });
    await db('tenant_a').projects.create('same_id', { name: 'Only in A' });
    expect(await db('tenant_a').users.get('same_id')).toMatchObject({ email: 'a@example.com' });
    expect(await db('tenant_b').users.get('same_id')).toMatchObject({ email: 'b@example.com' });
    expect((await db('tenant_b').projects.list('same_id')).items).toEqual([]);
    await db('tenant_b').users.delete('same_id');
    expect((await db('tenant_a').projects.list('same_id')).items.map((project) => project.name)).toEqual(['Only in A']);
  });

  it('roll back independently', async () => {
    expect(await db('tenant_b').rollback({ to: 0 })).toEqual([...allMigrations].reverse());
    expect(await tablesIn(db('tenant_b'), 'tenant_b')).toEqual([MIGRATIONS_TABLE]);
    expect((await db('tenant_a').migrationStatus()).pending).toEqual([]);
    expect(await db('tenant_a').users.get('same_id')).toMatchObject({ email: 'a@example.com' });
  });
});

describe('the schema option', () => {
  it('refuses a name that is not a plain identifier, before connecting', () => {
    for (const schema of ['', 'Tenant', 'a-b', '1st', 'pg_mine', 'x'.repeat(64), 'a"; drop table users; --']) {
      expect(() => connect({ url: 'postgres://localhost/app', schema })).toThrow(ConfigurationError);
    }
  });

  it("refuses to migrate a schema other than the one the ORM's entities are placed in", async () => {
    const db = connect({ url: 'postgres://localhost/never_reached', schema: 'enginecampro' });
    try {
      await expect(db.migrate({ schema: 'elsewhere' })).rejects.toThrow(/places the package's entities in schema "enginecampro"/);
    } finally {
      await db.close();
    }
  });
});
