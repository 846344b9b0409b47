import { describe, expect, it } from 'vitest';
import { bundledMigrations } from '../../migrations/index.ts';
import { MIGRATIONS_TABLE } from '../../src/index.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { lines, runCli } from './run-cli.ts';

const allMigrations = bundledMigrations.map((migration) => migration.name);
const lastMigration = allMigrations.at(-1)!;

// One empty database, taken through its whole life by the command line: the tests run in order.
describe('migrate, status and rollback on a fresh database', () => {
  const database = useTestDatabase({ migrated: false });
  const cli = (...args: string[]) => runCli([...args, '--url', database.url]);

  async function packageTables(): Promise<string[]> {
    const rows = await database.db.fork().execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = current_schema() and table_name <> ? order by table_name`,
      [MIGRATIONS_TABLE],
    );
    return rows.map((row) => row.table_name);
  }

  it('status lists every migration as pending and creates nothing', async () => {
    const text = await cli('status');
    expect(text).toMatchObject({ exitCode: 0, stderr: '' });
    expect(lines(text.stdout)).toEqual(['Applied migrations: none', 'Pending migrations:', ...allMigrations.map((name) => `  ${name}`)]);

    const json = await cli('status', '--json');
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ executed: [], pending: allMigrations });
    expect(await packageTables()).toEqual([]);
  });

  it('migrate applies them all, reading the URL from DATABASE_URL', async () => {
    const result = await runCli(['migrate'], { DATABASE_URL: database.url });
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(lines(result.stdout)).toEqual([`Applied ${allMigrations.length} migration${allMigrations.length === 1 ? '' : 's'}:`, ...allMigrations.map((name) => `  ${name}`)]);
    expect(await packageTables()).toEqual(['cams', 'projects', 'users']);
  });

  it('migrate again applies nothing, and says so', async () => {
    expect(await cli('migrate')).toMatchObject({ exitCode: 0, stdout: 'Nothing to apply: the database is up to date.\n' });
    const json = await cli('migrate', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ applied: [] });
  });

  it('status shows when each migration was applied', async () => {
    const text = await cli('status');
    expect(text.stdout).toMatch(new RegExp(`^  ${lastMigration}  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$`, 'm'));
    expect(text.stdout).toContain('Pending migrations: none');

    const { executed, pending } = JSON.parse((await cli('status', '--json')).stdout) as {
      executed: { name: string; executedAt: string }[];
      pending: string[];
    };
    expect(executed.map((migration) => migration.name)).toEqual(allMigrations);
    expect(Date.now() - Date.parse(executed[0]!.executedAt)).toBeLessThan(60_000);
    expect(pending).toEqual([]);
  });

  it('rollback reverts exactly the last migration', async () => {
    const result = await cli('rollback');
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(lines(result.stdout)).toEqual(['Reverted 1 migration:', `  ${lastMigration}`]);
    expect((await database.db.migrationStatus()).pending).toEqual([lastMigration]);
    expect(JSON.parse((await cli('migrate', '--json')).stdout)).toEqual({ applied: [lastMigration] });
  });

  it('rollback --to <name> keeps that migration applied', async () => {
    const result = await cli('rollback', '--to', lastMigration);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'Nothing to revert.\n' });
    expect((await database.db.migrationStatus()).pending).toEqual([]);
  });

  it('refuses a migration name it does not know, exits 2 and changes nothing', async () => {
    for (const command of ['rollback', 'migrate']) {
      const result = await cli(command, '--to', 'Migration_unknown');
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toEqual([expect.stringMatching(/^enginecampro-db: .*"Migration_unknown"/)]);
    }
    expect((await database.db.migrationStatus()).pending).toEqual([]);
  });

  it('rollback --to 0 reverts them all, newest first', async () => {
    const result = await cli('rollback', '--to', '0', '--json');
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ reverted: [...allMigrations].reverse() });
    expect(await packageTables()).toEqual([]);
    expect(await cli('rollback')).toMatchObject({ exitCode: 0, stdout: 'Nothing to revert.\n' });
  });
});

describe('migrate sets who may use the tables', () => {
  const database = useTestDatabase({ migrated: false });
  const cli = (...args: string[]) => runCli([...args, '--url', database.url]);
  const roles = [`ecp_cli_a_${process.pid}`, `ecp_cli_b_${process.pid}`];

  async function granted(role: string): Promise<boolean> {
    const [row] = await database.db.fork().execute<{ granted: boolean }[]>(`select has_table_privilege(?, 'cams', 'INSERT') as granted`, [role]);
    return row!.granted;
  }

  it('grants every role given with --grant-to, and revokes with --revoke-from', async () => {
    for (const role of roles) await database.db.fork().execute(`create role ${role}`);
    try {
      expect(await cli('migrate', '--grant-to', roles[0]!, '--grant-to', roles[1]!)).toMatchObject({ exitCode: 0, stderr: '' });
      expect([await granted(roles[0]!), await granted(roles[1]!)]).toEqual([true, true]);
      expect(await cli('migrate', '--revoke-from', roles[0]!)).toMatchObject({ exitCode: 0, stderr: '' });
      expect([await granted(roles[0]!), await granted(roles[1]!)]).toEqual([false, true]);
    } finally {
      await cli('migrate', '--revoke-from', roles[0]!, '--revoke-from', roles[1]!);
      for (const role of roles) await database.db.fork().execute(`drop role ${role}`);
    }
  });

  it('holds the roles of --grant-to to the acting user with --enforce-ownership, and sets them free with --no-enforce-ownership', async () => {
    const seesEveryRow = async (role: string) => {
      const rows = await database.db.fork().execute<{ roles: string[] }[]>(`select roles::text[] as roles from pg_policies where policyname = 'enginecampro_all_rows' and tablename = 'cams'`);
      return rows.some((row) => row.roles.includes(role));
    };
    const role = roles[0]!;
    await database.db.fork().execute(`create role ${role}`);
    try {
      expect(await cli('migrate', '--grant-to', role, '--enforce-ownership')).toMatchObject({ exitCode: 0, stderr: '' });
      expect([await granted(role), await seesEveryRow(role)]).toEqual([true, false]);
      expect(await cli('migrate', '--grant-to', role, '--no-enforce-ownership')).toMatchObject({ exitCode: 0, stderr: '' });
      expect([await granted(role), await seesEveryRow(role)]).toEqual([true, true]);
    } finally {
      await cli('migrate', '--revoke-from', role);
      await database.db.fork().execute(`drop role ${role}`);
    }
  });

  it('refuses a role that does not exist with exit 2, and grants nothing', async () => {
    const result = await cli('migrate', '--grant-to', 'no_such_role_here');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/No such role: "no_such_role_here"/);
  });

  it('refuses the options on a command that does not take them', async () => {
    expect((await cli('status', '--grant-to', roles[0]!)).stderr).toMatch(/'status' does not take --grant-to/);
    expect((await cli('migrate', '--end-users', 'sub', '--no-end-users')).stderr).toMatch(/contradict each other/);
    expect((await cli('migrate', '--grant-to', roles[0]!, '--enforce-ownership', '--no-enforce-ownership')).stderr).toMatch(/contradict each other/);
    expect((await cli('status', '--enforce-ownership')).stderr).toMatch(/'status' does not take --enforce-ownership/);
  });
});
