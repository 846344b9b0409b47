import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { connect, type ConnectOptions, type Database } from '../../src/index.ts';
import { databaseUrl } from './postgres-server.ts';

export interface TestDatabase {
  /** URL of this file's own database. */
  readonly url: string;
  /** A `Database` connected to it, opened before the tests and closed after. */
  readonly db: Database;
}

/**
 * Gives the calling test file (or `describe` block) a database of its own: a clone of the migrated template, or with
 * `migrated: false` an empty one. It is created before the tests and dropped after them.
 */
export function useTestDatabase(options: { migrated?: boolean; connect?: ConnectOptions } = {}): TestDatabase {
  const name = `${inject('databasePrefix')}${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(inject('postgresAdminUrl'), name);
  let db: Database | undefined;

  beforeAll(async () => {
    const template = options.migrated === false ? 'template0' : inject('templateDatabase');
    await adminQuery(`create database ${name} template ${template}`);
    // Through PgBouncer when the run has one (TEST_POOLER); create and drop stay direct, as `url` does.
    const pooled = inject('pooledAdminUrl');
    db = connect({ ...options.connect, url: pooled ? databaseUrl(pooled, name) : url });
  });
  afterAll(async () => {
    await db?.close();
    await adminQuery(`drop database if exists ${name} with (force)`);
  });

  return {
    url,
    get db() {
      if (!db) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return db;
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
