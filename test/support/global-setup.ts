import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { connect } from '../../src/index.ts';
import { EmbeddedPostgresUnavailable } from './embedded-postgres.ts';
import { PgBouncerUnavailable, startPgBouncer, type RunningPgBouncer } from './pgbouncer.ts';
import { databaseUrl, startPostgresServer, type PostgresServer } from './postgres-server.ts';
import { GRANTED_ROLE_PASSWORD } from './roles.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
    databasePrefix: string;
    /** The admin URL through PgBouncer when `TEST_POOLER=pgbouncer`, else empty: what `useTestDatabase()`'s `db` uses. */
    pooledAdminUrl: string;
    /**
     * With `TEST_ROLE=granted`, the login role `useTestDatabase()`'s `db` connects as: neither the tables' owner nor
     * BYPASSRLS, granted the package's tables by `migrate({ grantTo, enforceOwnership: true })`. Empty otherwise (the
     * server's superuser).
     */
    grantedRole: string;
  }
}

/**
 * Starts (or finds) one PostgreSQL server for the whole run and migrates a template database once; every test file
 * then clones the template into a database of its own, so files run in parallel without sharing rows.
 */
export default async function setup(project: TestProject) {
  let server: PostgresServer;
  try {
    server = await startPostgresServer();
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresUnavailable)) throw error;
    console.error(error.message); // it says what to do; a stack trace would only bury it
    process.exit(1);
  }
  const prefix = `ecp_test_${process.pid}_`;
  const template = `${prefix}template`;
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  const { rows } = await admin.query<{ server_version: string }>(`select current_setting('server_version') as server_version`);
  console.log(`PostgreSQL ${rows[0]!.server_version} from ${server.source}`);
  await admin.query(`create database ${template}`);

  const role = process.env.TEST_ROLE || undefined;
  if (role !== undefined && role !== 'granted') throw new Error(`TEST_ROLE=${role}: the only role is granted`);
  const grantedRole = role ? `${prefix}app` : '';
  if (grantedRole) {
    await admin.query(`create role ${grantedRole} login password '${GRANTED_ROLE_PASSWORD}' nosuperuser nobypassrls`);
    console.log(`each test file's db connects as ${grantedRole}, granted the package's tables (not their owner, no BYPASSRLS)`);
  }
  const db = connect({ url: databaseUrl(server.adminUrl, template) });
  // Enforced: every statement of the suite is then checked by the policies as well as by the package's SQL.
  await db.migrate(grantedRole ? { grantTo: grantedRole, enforceOwnership: true } : {});
  await db.close();

  // After the template's migration, which stays direct: a pooled connection left idle on the template would make
  // every `create database ... template` fail ("source database is being accessed by other users").
  let pgbouncer: RunningPgBouncer | undefined;
  const pooler = process.env.TEST_POOLER || undefined;
  if (pooler !== undefined && pooler !== 'pgbouncer') throw new Error(`TEST_POOLER=${pooler}: the only pooler is pgbouncer`);
  if (pooler) {
    try {
      pgbouncer = await startPgBouncer(server.adminUrl);
    } catch (error) {
      if (!(error instanceof PgBouncerUnavailable)) throw error;
      console.error(error.message);
      await admin.end();
      await server.stop();
      process.exit(1);
    }
    console.log(`${pgbouncer.version} in transaction mode on port ${pgbouncer.port}: each test file's db goes through it`);
  }

  project.provide('postgresAdminUrl', server.adminUrl);
  project.provide('templateDatabase', template);
  project.provide('databasePrefix', prefix);
  project.provide('pooledAdminUrl', pgbouncer ? pgbouncer.pooledUrl(server.adminUrl) : '');
  project.provide('grantedRole', grantedRole);

  return async () => {
    await pgbouncer?.stop(); // first: its server connections would hold the databases below
    const leftovers = await admin.query<{ datname: string }>(`select datname from pg_database where starts_with(datname, $1)`, [prefix]);
    for (const { datname } of leftovers.rows) {
      await admin.query(`drop database if exists "${datname}" with (force)`);
    }
    if (grantedRole) await admin.query(`drop role if exists ${grantedRole}`);
    await admin.end();
    await server.stop();
  };
}
