import type { Configuration, MikroORM } from '@mikro-orm/core';
import { MigrationRunner, type Migration } from '@mikro-orm/migrations';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { bundledMigrations, type BundledMigration } from '../../migrations/index.ts';
import { hasDistributedTables } from '../citus/drift.ts';
import { isDistributedByUser } from '../citus/layout.ts';
import { ConfigurationError } from '../common/errors.ts';
import { mappingErrors } from '../common/map-error.ts';
import { parseOptions } from '../common/options.ts';
import { ensureMigrationHistory, readMigrationHistory, recordMigration, forgetMigration, type ExecutedMigration } from './migration-history.ts';
import { enterSchema, refuseForeignTables, schemaForMigrations } from './migration-schema.ts';
import { applyAccess, checkAccessChanges } from './privileges.ts';

/** Our ORM, a host application's ORM that registered our entities, or any EntityManager of either. */
export type MigrationTarget = Pick<MikroORM, 'em'> | EntityManager;

const schemaOption = {
  /**
   * The PostgreSQL schema of the package's tables and of their migration history. Default: the schema the ORM
   * places our entities in (`connect({ schema })`, `placeInSchema()`), else its default schema, else `public`.
   */
  schema: z.string().optional(),
};

const schemaOptionSchema = z.strictObject(schemaOption);

/** One role or several. */
const roles = z.union([z.string().min(1), z.array(z.string().min(1))]).transform((given) => (Array.isArray(given) ? given : [given]));

const migrateOptionsSchema = z.strictObject({
  ...schemaOption,
  /** Stop after this migration; later ones stay pending. Default: apply all. */
  to: z.string().min(1).optional(),
  /**
   * Roles the service calls may run as: given the rows of the package's tables, their sequences, its function and the
   * schema's usage, and nothing that changes the schema. Roles granted before keep their grants (extended to the
   * objects of new migrations) until they are revoked.
   */
  grantTo: roles.default([]),
  /**
   * Whether the database holds the roles of `grantTo` to the acting user of each call, as well as the package's
   * statements do: row-level security policies restrict every statement to that user's rows, SQL of the application's
   * own included. It costs the server a policy check on every statement (docs/security.md, "What it costs"). `false`:
   * the roles see every row, as the tables' owner does, and the package's statements alone enforce ownership. Left
   * out: a role granted before keeps its way, a new one is not enforced.
   */
  enforceOwnership: z.boolean().optional(),
  /** Roles that lose every privilege on the package's objects. */
  revokeFrom: roles.default([]),
  /**
   * Lets the end users of a Supabase application read their own users row, projects and cams through the Data API or
   * Realtime (read only: writes stay with the services): `role` is what PostgREST runs signed-in requests as (default
   * `authenticated`), `claim` the JWT claim with the user's id (default `sub`: Supabase Auth's `auth.uid()`, Clerk's
   * user id). `false` turns it off; left out, it stays as it is.
   */
  endUsers: z
    .union([z.literal(false), z.strictObject({ role: z.string().min(1).default('authenticated'), claim: z.string().min(1).default('sub') })])
    .optional(),
});

const rollbackOptionsSchema = z.strictObject({
  ...schemaOption,
  /** Revert every migration applied after this one (it stays applied), or `0` to revert all. Default: the last one. */
  to: z.union([z.string().min(1), z.literal(0)]).optional(),
});

export type SchemaOption = z.input<typeof schemaOptionSchema>;
export type MigrateOptions = z.input<typeof migrateOptionsSchema>;
export type RollbackOptions = z.input<typeof rollbackOptionsSchema>;

export interface MigrationStatus {
  executed: ExecutedMigration[];
  pending: string[];
}

/**
 * Serialises every migration call on one schema: concurrent callers (several instances starting at once) queue on
 * this transaction-scoped advisory lock, so each migration is applied exactly once, while installations in other
 * schemas migrate in parallel. Transaction-scoped, unlike a session lock, it is released by COMMIT/ROLLBACK and so
 * also works through a transaction-mode pooler (PgBouncer, Supavisor). The first key is a constant of this package
 * ('ecpm' as four bytes), the second the schema's hash.
 */
const MIGRATION_LOCK_KEY = 1701015661;

export async function underMigrationLock<T>(
  target: MigrationTarget,
  options: SchemaOption,
  work: (em: EntityManager, schema: string) => Promise<T>,
): Promise<T> {
  const root = ('em' in target ? target.em : target) as EntityManager;
  const schema = schemaForMigrations(root, options.schema);
  // A fresh fork: the caller's EntityManager may carry a request context or an identity map we must not touch.
  return mappingErrors(() =>
    root.fork().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(?, hashtext(?))', [MIGRATION_LOCK_KEY, schema]);
      return work(em, schema);
    }),
  );
}

function runnerFor(em: EntityManager) {
  const driver = em.getDriver() as AbstractSqlDriver;
  const config = em.config as Configuration;
  const runner = new MigrationRunner(driver, { transactional: true }, config);
  runner.setMasterMigration(em.getTransactionContext()!);
  return (migration: BundledMigration, method: 'up' | 'down'): Promise<void> => {
    const instance: Migration = new migration.class(driver, config);
    return runner.run(instance, method);
  };
}

function indexOfBundled(name: string): number {
  const index = bundledMigrations.findIndex((migration) => migration.name === name);
  if (index < 0) {
    throw new ConfigurationError(`Unknown migration "${name}": this version bundles ${bundledMigrations.map((m) => m.name).join(', ')}`);
  }
  return index;
}

/**
 * Applies every pending bundled migration (or those up to `to`) in one transaction, then who may use the tables
 * (`grantTo`, `revokeFrom`, `endUsers`, and Supabase's API roles locked out); returns the names applied.
 */
export async function migrate(target: MigrationTarget, given: MigrateOptions = {}): Promise<string[]> {
  const options = parseOptions(migrateOptionsSchema, given, 'migrate()');
  const last = options.to === undefined ? bundledMigrations.length - 1 : indexOfBundled(options.to);
  const access = { grantTo: options.grantTo, enforceOwnership: options.enforceOwnership, revokeFrom: options.revokeFrom, endUsers: options.endUsers };
  return underMigrationLock(target, options, async (em, schema) => {
    await checkAccessChanges(em, access);
    await enterSchema(em, schema);
    const history = await readMigrationHistory(em, schema);
    if (history.length === 0) await refuseForeignTables(em, schema);
    await ensureMigrationHistory(em, schema);
    const executed = new Set(history.map((migration) => migration.name));
    const pending = bundledMigrations.slice(0, last + 1).filter((migration) => !executed.has(migration.name));
    const run = runnerFor(em);
    for (const migration of pending) {
      await run(migration, 'up');
      await recordMigration(em, schema, migration.name);
    }
    if ((access.grantTo.length > 0 || access.endUsers) && (await hasDistributedTables(em, schema))) {
      throw new ConfigurationError(
        `The package's tables in schema "${schema}" are distributed tables of Citus, whose row-level security policies cannot ` +
          'find a user by e-mail address (Citus allows no subquery in them): a role granted the tables would read a user found ' +
          'by address without its projects and cams. Connect the services as the tables\' owner there, without grantTo or endUsers.',
      );
    }
    await applyAccess(em, schema, access);
    return pending.map((migration) => migration.name);
  });
}

/** Reverts the last applied migration, or down to `to`, in one transaction; returns the names reverted. */
export async function rollback(target: MigrationTarget, given: RollbackOptions = {}): Promise<string[]> {
  const options = parseOptions(rollbackOptionsSchema, given, 'rollback()');
  return underMigrationLock(target, options, async (em, schema) => {
    if (await isDistributedByUser(em, schema)) {
      throw new ConfigurationError(
        `The package's tables in schema "${schema}" are distributed by user on Citus (distribute()): the migrations cannot be ` +
          'rolled back there, as they would drop the keys and columns the tables are distributed by',
      );
    }
    await enterSchema(em, schema);
    const executed = (await readMigrationHistory(em, schema)).map((migration) => migration.name).reverse();
    let toRevert: string[];
    if (options.to === undefined) {
      toRevert = executed.slice(0, 1);
    } else if (options.to === 0) {
      toRevert = executed;
    } else {
      const stop = executed.indexOf(options.to);
      if (stop < 0) {
        throw new ConfigurationError(`Cannot roll back to "${options.to}": it is not an applied migration`);
      }
      toRevert = executed.slice(0, stop);
    }
    const run = runnerFor(em);
    for (const name of toRevert) {
      const migration = bundledMigrations[indexOfBundled(name)]!;
      await run(migration, 'down');
      await forgetMigration(em, schema, name);
    }
    return toRevert;
  });
}

/** Which bundled migrations the database has applied (with when) and which are pending. Writes nothing. */
export async function migrationStatus(target: MigrationTarget, given: SchemaOption = {}): Promise<MigrationStatus> {
  const options = parseOptions(schemaOptionSchema, given, 'migrationStatus()');
  return underMigrationLock(target, options, async (em, schema) => {
    const executed = await readMigrationHistory(em, schema);
    const applied = new Set(executed.map((migration) => migration.name));
    const pending = bundledMigrations.filter((migration) => !applied.has(migration.name)).map((migration) => migration.name);
    return { executed, pending };
  });
}
