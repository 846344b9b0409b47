import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { connect, type ConnectOptions, type Database } from '../../src/index.ts';
import { databaseUrl } from './postgres-server.ts';
import { GRANTED_ROLE_PASSWORD } from './roles.ts';

export interface TestDatabase {
  /** URL of this file's own database, as the server's superuser. */
  readonly url: string;
  /**
   * A `Database` connected to it, opened before the tests and closed after: as the superuser, or as the granted role
   * of the run (`TEST_ROLE=granted`), through PgBouncer when the run has one (`TEST_POOLER`).
   */
  readonly db: Database;
  /**
   * A `Database` that sees every row whatever `db` connects as: the superuser, directly. For a test's own checks of
   * what the database holds, never for the calls under test.
   */
  readonly owner: Database;
}

/**
 * Gives the calling test file (or `describe` block) a database of its own: a clone of the migrated template, or with
 * `migrated: false` an empty one. It is created before the tests and dropped after them.
 */
export function useTestDatabase(options: { migrated?: boolean; connect?: ConnectOptions } = {}): TestDatabase {
  const name = `${inject('databasePrefix')}${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(inject('postgresAdminUrl'), name);
  let db: Database | undefined;
  let owner: Database | undefined;

  beforeAll(async () => {
    const template = options.migrated === false ? 'template0' : inject('templateDatabase');
    await adminQuery(`create database ${name} template ${template}`);
    // Through PgBouncer when the run has one (TEST_POOLER); create and drop stay direct, as `url` does.
    const pooled = inject('pooledAdminUrl');
    const server = new URL(pooled ? databaseUrl(pooled, name) : url);
    // An empty database has nothing granted yet: it runs as the superuser.
    const grantedRole = options.migrated === false ? '' : inject('grantedRole');
    if (grantedRole) {
      server.username = grantedRole;
      server.password = GRANTED_ROLE_PASSWORD;
    }
    // Debian's PgBouncer (1.18) keeps no prepared statements: connected as the documentation says for such a pooler.
    db = connect({ ...(pooled ? { preparedStatements: false } : {}), ...options.connect, url: server.toString() });
  });
  afterAll(async () => {
    await owner?.close();
    await db?.close();
    await adminQuery(`drop database if exists ${name} with (force)`);
  });

  return {
    url,
    get db() {
      if (!db) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return db;
    },
    get owner() {
      if (!db) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      owner ??= inject('grantedRole') ? connect({ url }) : db;
      return owner;
    },
  };
}

/** Runs one statement as the server's superuser, on the maintenance database. */
export async function adminQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client(inject('postgresAdminUrl'));
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
