import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { checkConnection, type ConnectionReport } from './connection/check-connection.ts';
import { asConnectionError, mappingErrors } from './common/map-error.ts';
import { mayHaveWorkToFlush } from './common/unit-of-work.ts';
import { CallsInFlight, resolveCloseOptions, type CloseOptions } from './connection/calls-in-flight.ts';
import type { ConnectOptions } from './connection/connect-options.ts';
import { connectionLimits, createOrmConfig } from './connection/orm-config.ts';
import { PoolConnections } from './connection/pooled-client.ts';
import { bindServices, runEach, type BoundServices } from './services.ts';
import { migrate, migrationStatus, rollback, type MigrateOptions, type MigrationStatus, type RollbackOptions, type SchemaOption } from './migrator/migrator.ts';
import type { ReplicaStatus } from './replication/replica.ts';
import { openReplicaSet, type ReplicaSet } from './replication/replica-set.ts';
import { routedServices } from './replication/routed-services.ts';
import { openSession, type Session } from './replication/session.ts';

/** A unit of work inside `db.transaction()`: the services bound to its transaction, and its EntityManager. */
export interface Transaction extends BoundServices {
  /** The transaction's EntityManager, for work of your own (entities, queries) in the same transaction. */
  em: EntityManager;
}

/** The handle `connect()` returns: one connection pool, and everything the package does with it. */
export class Database implements BoundServices {
  readonly orm: MikroORM;
  /** Users: each call is its own unit of work. */
  readonly users: BoundServices['users'];
  /** Projects of a user: each call is its own unit of work. */
  readonly projects: BoundServices['projects'];
  /** Cams of a user's projects: each call is its own unit of work. */
  readonly cams: BoundServices['cams'];
  readonly #calls = new CallsInFlight();
  readonly #connections: PoolConnections | undefined;
  #closing: Promise<void> | undefined;
  readonly #primary: BoundServices;
  readonly #replicas: ReplicaSet | undefined;

  /**
   * `connections`: the client class of the ORM's pool (`createOrmConfig`), whose connections `close()` ends.
   * `replicas`: where plain reads may go instead of `orm`'s server (`connect({ replicas })`).
   */
  constructor(orm: MikroORM, connections?: PoolConnections, replicas?: ReplicaSet) {
    this.orm = orm;
    this.#connections = connections;
    this.#replicas = replicas;
    // The service functions only run SQL: they never load entities into an EntityManager or keep any state in it, so
    // every call outside a transaction can share one, and skip the cost of a fork (an identity map, a unit of work).
    this.#primary = bindServices(orm.em.fork());
    ({ users: this.users, projects: this.projects, cams: this.cams } = this.#counted(replicas ? routedServices(this.#primary, replicas) : this.#primary));
  }

  /** The services with each call counted as running, for `close()`, and its failure a `DataAccessError`. */
  #counted(services: BoundServices): BoundServices {
    return runEach(services, (call) => this.#calls.run(() => mappingErrors(call)));
  }

  /**
   * The services for one flow of work (a request, a user's actions) whose reads never miss its own earlier writes,
   * even when they go to a replica. Without replicas, the same as `db` itself.
   */
  session(): Session {
    const session = openSession(this.#primary, this.#replicas, (work) => this.transaction(work));
    return { ...session, ...this.#counted(session) };
  }

  /** What the probes know of each replica (none without replicas). */
  replicaStatus(): ReplicaStatus[] {
    return this.#replicas?.status() ?? [];
  }

  /**
   * Runs `work` in one transaction: committed when it returns, rolled back when it throws (the error is rethrown).
   * Every service call on `tx` takes part in it; `tx.em` is its EntityManager for anything else, flushed before
   * the commit.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#calls.run(() => this.#inTransaction(work));
  }

  async #inTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    // A fresh EntityManager per transaction, bound to it directly: `em.transactional()` would add a second fork and
    // MikroORM's merge of entities into a parent, which cost more than BEGIN and COMMIT themselves.
    const em = this.fork();
    const connection = em.getConnection();
    const transaction = await mappingErrors(() => connection.begin(), { repeatable: true });
    em.setTransactionContext(transaction);
    try {
      const result = await work({ em, ...bindServices(em) });
      if (mayHaveWorkToFlush(em)) await em.flush();
      // A COMMIT whose answer is lost may or may not have committed: repeating the work could write it twice.
      await mappingErrors(() => connection.commit(transaction), { repeatable: false });
      return result;
    } catch (error) {
      // A failed rollback (a dropped connection) must not hide why the transaction failed.
      await connection.rollback(transaction).catch(() => undefined);
      // A connection fault in `work`'s own queries rolled the whole transaction back: repeating it is safe.
      throw asConnectionError(error, { repeatable: true }) ?? error;
    } finally {
      em.resetTransactionContext();
    }
  }

  /** A fresh EntityManager (identity map and unit of work) for one unit of work, e.g. one request. */
  fork(): EntityManager {
    this.#calls.assertOpen();
    return this.orm.em.fork();
  }

  /** Server version, round-trip latency, whether our tables exist and which migrations are pending. */
  checkConnection(): Promise<ConnectionReport> {
    return this.#calls.run(() => checkConnection(this.fork()));
  }

  /** Applies the pending bundled migrations under a lock; returns the names applied (none when up to date). */
  migrate(options?: MigrateOptions): Promise<string[]> {
    return this.#calls.run(() => migrate(this.orm, options));
  }

  migrationStatus(options?: SchemaOption): Promise<MigrationStatus> {
    return this.#calls.run(() => migrationStatus(this.orm, options));
  }

  /** Reverts the last migration, or down to `options.to`; returns the names reverted. */
  rollback(options?: RollbackOptions): Promise<string[]> {
    return this.#calls.run(() => rollback(this.orm, options));
  }

  /**
   * Closes the handle: new calls fail at once with a `ConnectionError` (`reason: 'closed'`), calls already running
   * may finish within `graceMillis` (default 10,000 ms), then the connections still open are closed, failing whatever
   * still runs on them, and the pool ends. No connection is opened after that, not even for an EntityManager
   * forked earlier. Calling it again returns the same promise. Await it before the process exits.
   */
  close(options?: CloseOptions): Promise<void> {
    this.#closing ??= this.#shutDown(resolveCloseOptions(options).graceMillis);
    return this.#closing;
  }

  async #shutDown(graceMillis: number): Promise<void> {
    await this.#calls.close(graceMillis);
    this.#connections?.endAll();
    await this.#replicas?.close();
    await this.orm.close();
  }
}

/**
 * Opens a pool to PostgreSQL. Nothing is sent until the first query, so this never throws for an unreachable
 * server; it throws `ConfigurationError` at once for options that cannot work (no URL, a bad URL, a bad sslmode).
 */
export function connect(options: ConnectOptions = {}): Database {
  const connections = new PoolConnections(connectionLimits(options));
  const orm = new MikroORM(createOrmConfig(options, connections));
  return new Database(orm, connections, openReplicaSet(orm, options));
}
