import type { EntityManager } from '@mikro-orm/postgresql';
import { performance } from 'node:perf_hooks';
import { mappingErrors } from '../common/map-error.ts';
import { schemaOf } from '../common/schema.ts';
import { PACKAGE_TABLES } from '../entities.ts';
import { migrationStatus } from '../migrator/migrator.ts';
import { User } from '../user/user.entity.ts';

export interface ConnectionReport {
  /** `server_version` of the PostgreSQL server, e.g. `18.1`. */
  serverVersion: string;
  database: string;
  user: string;
  /** The PostgreSQL schema of the package's tables. */
  schema: string;
  /** One round trip of `select 1`, in milliseconds, measured on an already open connection. */
  latencyMillis: number;
  /** Whether all of the package's tables exist. */
  tablesPresent: boolean;
  missingTables: string[];
  /** Bundled migrations the database has not applied yet. */
  pendingMigrations: string[];
}

/** The original "test the connection" script as one call. Reads only. */
export function checkConnection(em: EntityManager): Promise<ConnectionReport> {
  return mappingErrors(() => report(em));
}

async function report(em: EntityManager): Promise<ConnectionReport> {
  const [server] = await em.execute<{ server_version: string; database: string; user: string }[]>(
    `select current_setting('server_version') as server_version, current_database() as database, current_user as "user"`,
  );
  const started = performance.now();
  await em.execute('select 1');
  const latencyMillis = performance.now() - started;

  const schema = schemaOf(em.getMetadata(), User, em.config.get('schema'));
  const present = await em.execute<{ table_name: string }[]>(
    `select table_name from information_schema.tables where table_schema = ? and table_name in (?)`,
    [schema, PACKAGE_TABLES],
  );
  const presentNames = new Set(present.map((row) => row.table_name));
  const missingTables = PACKAGE_TABLES.filter((table) => !presentNames.has(table));
  const { pending } = await migrationStatus(em);
  return {
    serverVersion: server!.server_version,
    database: server!.database,
    user: server!.user,
    schema,
    latencyMillis,
    tablesPresent: missingTables.length === 0,
    missingTables,
    pendingMigrations: pending,
  };
}
