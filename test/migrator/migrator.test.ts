import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundledMigrations } from '../../migrations/index.ts';
import { ConfigurationError, connect, migrationStatus, MIGRATIONS_TABLE } from '../../src/index.ts';
import { useTestDatabase } from '../support/test-database.ts';

const allMigrations = bundledMigrations.map((migration) => migration.name);
const run = promisify(execFile);

async function tablesIn(url: string): Promise<string[]> {
  const db = connect({ url });
  try {
    const rows = await db.fork().execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = current_schema() order by table_name`,
    );
    return rows.map((row) => row.table_name);
  } finally {
    await db.close();
  }
}

describe('on an up-to-date database', () => {
  const database = useTestDatabase();

  it('migrate() is a no-op that applies nothing', async () => {
    expect(await database.db.migrate()).toEqual([]);
    const status = await database.db.migrationStatus();
    expect(status.pending).toEqual([]);
    expect(status.executed.map((migration) => migration.name)).toEqual(allMigrations);
    expect(status.executed[0]!.executedAt).toBeInstanceOf(Date);
  });

  it('the entities and the schema agree: the schema diff is empty', async () => {
    expect(await database.db.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('refuses a target migration it does not bundle, and changes nothing', async () => {
    await expect(database.db.migrate({ to: 'Migration_unknown' })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(database.db.rollback({ to: 'Migration_unknown' })).rejects.toThrow(/not an applied migration/);
    expect((await database.db.migrationStatus()).pending).toEqual([]);
  });
});

describe('on a fresh, empty database', () => {
  const database = useTestDatabase({ migrated: false });

  it.each<[string, () => Promise<unknown>]>([
    ['migrate()', () => database.db.migrate({ shcema: 'tenant_x' } as never)],
    ['rollback()', () => database.db.rollback({ To: 0 } as never)],
    ['migrationStatus()', () => database.db.migrationStatus({ schema: 'public', verbose: true } as never)],
    ['migrate() with a target of the wrong type', () => database.db.migrate({ to: 3 } as never)],
  ])('%s refuses an option it does not know with a ConfigurationError, and creates nothing', async (call, attempt) => {
    const error = await attempt().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toMatch(new RegExp(`^Invalid ${call.split(' ')[0]!.replace(/[()]/g, '\\$&')} options`));
    expect(await tablesIn(database.url)).toEqual([]);
    const [schema] = await database.db.fork().execute<{ found: boolean }[]>(`select to_regnamespace('tenant_x') is not null as found`);
    expect(schema!.found).toBe(false);
  });

  it('migrationStatus() lists every migration as pending and creates nothing', async () => {
    expect(await database.db.migrationStatus()).toEqual({ executed: [], pending: allMigrations });
    expect(await tablesIn(database.url)).toEqual([]);
  });

  it('runs all migrations up, all down, and up again', async () => {
    expect(await database.db.migrate()).toEqual(allMigrations);
    expect(await tablesIn(database.url)).toEqual(['cams', MIGRATIONS_TABLE, 'projects', 'users'].sort());

    expect(await database.db.rollback({ to: 0 })).toEqual([...allMigrations].reverse());
    expect(await tablesIn(database.url)).toEqual([MIGRATIONS_TABLE]);
    expect((await database.db.migrationStatus()).executed).toEqual([]);

    expect(await database.db.migrate()).toEqual(allMigrations);
    expect(await database.db.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('rollback() reverts exactly the last migration', async () => {
    const last = allMigrations.at(-1)!;
    expect(await database.db.rollback()).toEqual([last]);
    expect((await database.db.migrationStatus()).pending).toEqual([last]);
    expect(await database.db.migrate()).toEqual([last]);
  });

  it('rollback({ to }) keeps the named migration applied', async () => {
    expect(await database.db.rollback({ to: allMigrations.at(-1)! })).toEqual([]);
  });
});

describe('several processes migrating one fresh database at once', () => {
  const database = useTestDatabase({ migrated: false });
  const processes = 4;

  it('all succeed, each migration is applied exactly once, and no file is written', async () => {
    const workingDirs = await Promise.all(Array.from({ length: processes }, () => mkdtemp(join(tmpdir(), 'ecp-migrate-'))));
    try {
      const outputs = await Promise.all(
        workingDirs.map((cwd) =>
          run(process.execPath, [join(import.meta.dirname, '../support/migrate-process.ts'), database.url], { cwd }),
        ),
      );
      const applied = outputs.flatMap(({ stdout }) => JSON.parse(stdout) as string[]);
      expect(applied.sort()).toEqual([...allMigrations].sort());

      const history = await database.db.fork().execute<{ name: string }[]>(`select name from ${MIGRATIONS_TABLE} order by id`);
      expect(history.map((row) => row.name)).toEqual(allMigrations);
      for (const cwd of workingDirs) {
        expect(await readdir(cwd)).toEqual([]);
      }
    } finally {
      await Promise.all(workingDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });
});

describe('with a pool of one connection', () => {
  const database = useTestDatabase({ migrated: false, connect: { pool: { max: 1 } } });

  it('migrates, reports and rolls back without waiting on itself', async () => {
    expect(await database.db.migrate()).toEqual(allMigrations);
    expect((await migrationStatus(database.db.fork())).pending).toEqual([]);
    expect(await database.db.rollback()).toHaveLength(1);
  });
});
