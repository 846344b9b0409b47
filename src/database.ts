import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { checkConnection, type ConnectionReport } from './connection/check-connection.ts';
import type { ConnectOptions } from './connection/connect-options.ts';
import { createOrmConfig } from './connection/orm-config.ts';
import { migrate, migrationStatus, rollback, type MigrateOptions, type MigrationStatus, type RollbackOptions } from './migrator/migrator.ts';

/** The handle `connect()` returns: one connection pool, and everything the package does with it. */
export class Database {
  readonly orm: MikroORM;

  constructor(orm: MikroORM) {
    this.orm = orm;
  }

  /** A fresh EntityManager (identity map and unit of work) for one unit of work, e.g. one request. */
  fork(): EntityManager {
    return this.orm.em.fork();
  }

  /** Server version, round-trip latency, whether our tables exist and which migrations are pending. */
  checkConnection(): Promise<ConnectionReport> {
    return checkConnection(this.fork());
  }

  /** Applies the pending bundled migrations under a lock; returns the names applied (none when up to date). */
  migrate(options?: MigrateOptions): Promise<string[]> {
    return migrate(this.orm, options);
  }

  migrationStatus(): Promise<MigrationStatus> {
    return migrationStatus(this.orm);
  }

  /** Reverts the last migration, or down to `options.to`; returns the names reverted. */
  rollback(options?: RollbackOptions): Promise<string[]> {
    return rollback(this.orm, options);
  }

  /** Closes the pool. Await it before the process exits. */
  close(): Promise<void> {
    return this.orm.close();
  }
}

/**
 * Opens a pool to PostgreSQL. Nothing is sent until the first query, so this never throws for an unreachable
 * server; it throws `ConfigurationError` at once for options that cannot work (no URL, a bad URL, a bad sslmode).
 */
export function connect(options: ConnectOptions = {}): Database {
  return new Database(new MikroORM(createOrmConfig(options)));
}
