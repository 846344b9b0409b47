import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { distribute, type DistributeOptions, type DistributeResult } from './citus/distribute.ts';
import { forgetLayout } from './citus/layout.ts';
import { checkConnection, type ConnectionReport } from './connection/check-connection.ts';
import { asConnectionError, mappingErrors } from './common/map-error.ts';
import { mayHaveWorkToFlush } from './common/unit-of-work.ts';
import { CallsInFlight, resolveCloseOptions, type CloseOptions } from './connection/calls-in-flight.ts';
import { resolveConnectOptions, type ConnectOptions } from './connection/connect-options.ts';
import { withFailoverRetry, type FailoverRetry } from './connection/failover-retry.ts';
import type { HostStatus } from './connection/host-selector.ts';
import { connectionLimits, createOrmConfig, primaryHostPlan } from './connection/orm-config.ts';
import { PoolConnections } from './connection/pooled-client.ts';
import { serviceFacade, type BoundServices, type CallKind } from './services.ts';
import {
  migrate,
  migrationStatus,
  rollback,
  type MigrateOptions,
  type MigrationStatus,
  type RollbackOptions,
  type SchemaOption,
} from './migrator/migrator.ts';
import type { ReplicaStatus } from './replication/replica.ts';
import { openReplicaSet, type ReplicaSet } from './replication/replica-set.ts';
import { WriteClock, type Session } from './replication/session.ts';

/** What `db.primaryStatus()` says: where the primary's new connections go. */
export type PrimaryStatus = HostStatus;

/** A unit of work inside `db.transaction()`: the services bound to its transaction, and its EntityManager. */
export interface Transaction extends BoundServices {
  /** The transaction's EntityManager, for work of your own (entities, queries) in the same transaction. */
  em: EntityManager;
}

/** How `connect()` opens a `Database` with what only it has: the pool it created, and the read replicas. */
let open: (orm: MikroORM, connections: PoolConnections, options: ConnectOptions) => Database;

/**
 * The handle `connect()` returns: one connection pool, and everything the package does with it. For a MikroORM of
 * your own that registers the package's entities, `new Database(orm)` gives the same calls on it.
 */
export class Database implements BoundServices {
  readonly orm: MikroORM;
  /** Users: each call is its own unit of work. */
  readonly users: BoundServices['users'];
  /** Projects of a user: each call is its own unit of work. */
  readonly projects: BoundServices['projects'];
  /** Cams of a user's projects: each call is its own unit of work. */
  readonly cams: BoundServices['cams'];
  readonly #calls = new CallsInFlight();
  /**
   * Where every call outside a transaction runs. The service functions only run SQL: they never load entities into an
   * EntityManager or keep any state in it, so all those calls share one, and skip the cost of a fork.
   */
  readonly #em: EntityManager;
  #connections: PoolConnections | undefined;
  #replicas: ReplicaSet | undefined;
  #failoverRetry: FailoverRetry | undefined;
  #closing: Promise<void> | undefined;
  /**
   * EntityManagers of finished transactions that nothing outside the package saw (`tx.em` never read) and that hold
   * nothing: as good as a new fork, which the next transaction takes instead of forking (MikroORM's fork writes
   * `process.env` twice, the largest part of a transaction's own cost). At most as many as the pool has connections.
   */
  readonly #idleTransactionEms: EntityManager[] = [];

  static {
    open = (orm, connections, options) => {
      const db = new Database(orm);
      db.#connections = connections;
      db.#replicas = openReplicaSet(db.#em, options);
      db.#failoverRetry = resolveConnectOptions(options).failoverRetry;
      return db;
    };
  }

  constructor(orm: MikroORM) {
    this.orm = orm;
    this.#em = orm.em.fork();
    ({ users: this.users, projects: this.projects, cams: this.cams } = serviceFacade((kind, call) => this.#calls.run(() => this.#route(kind, call))));
  }

  /**
   * Where one call outside a transaction runs: a read on a replica fresh enough for it (one that has replayed
   * `notBefore`, a session's last write) when there are replicas, everything else on the primary.
   */
  #route<T>(kind: CallKind, call: (em: EntityManager) => Promise<T>, notBefore?: number): Promise<T> {
    const once = () => (kind === 'read' && this.#replicas ? this.#replicas.read(call, notBefore) : call(this.#em));
    return this.#failoverRetry ? withFailoverRetry(this.#failoverRetry, once) : once();
  }

  /**
   * The services for one flow of work (a request, a user's actions) whose reads never miss its own earlier writes,
   * even when they go to a replica. Without replicas, the same as `db` itself.
   */
  session(): Session {
    const clock = new WriteClock();
    const services = serviceFacade((kind, call) =>
      this.#calls.run(() => (kind === 'read' ? this.#route(kind, call, clock.lastWriteAt) : clock.writing(() => this.#route(kind, call)))),
    );
    return { ...services, transaction: (work) => clock.writing(() => this.transaction(work)) };
  }

  /**
   * Which host the primary's new connections go to now, among which hosts, and how often that changed: after a
   * failover, the new primary. No statement is sent. For a `Database` not opened by `connect()`, its ORM's one host.
   */
  primaryStatus(): PrimaryStatus {
    if (this.#connections) return this.#connections.status();
    const { host, port } = this.orm.config.getAll();
    const label = host && port ? `${host}:${port}` : null;
    return { host: label, candidates: label ? [label] : [], targetSessionAttrs: 'any', switches: 0, lastSwitchAt: null };
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
    // An EntityManager of its own per transaction, bound to it directly: `em.transactional()` would add a second fork
    // and MikroORM's merge of entities into a parent, which cost more than BEGIN and COMMIT themselves.
    const em = this.#idleTransactionEms.pop() ?? this.fork();
    const connection = em.getConnection();
    const transaction = await mappingErrors(() => connection.begin(), { repeatable: true }).catch((error: unknown) => {
      this.#keepForReuse(em);
      throw error;
    });
    em.setTransactionContext(transaction);
    const tx = new TransactionScope(em);
    try {
      const result = await work(tx);
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
      if (!tx.emSeen) this.#keepForReuse(em);
    }
  }

  #keepForReuse(em: EntityManager): void {
    const enough = this.orm.config.get('pool')?.max ?? 10;
    if (!mayHaveWorkToFlush(em) && this.#idleTransactionEms.length < enough) this.#idleTransactionEms.push(em);
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

  /**
   * Distributes the package's tables by user on a Citus coordinator (`users` by id, `projects` and `cams` by owner,
   * co-located, with the e-mail lookup); nothing where they already are. docs/scaling.md, "Rows distributed by user".
   */
  distribute(options?: DistributeOptions): Promise<DistributeResult> {
    return this.#calls.run(async () => {
      const result = await distribute(this.orm, options);
      forgetLayout(this.orm.em);
      return result;
    });
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

/** What `work` gets from `db.transaction()`; it notes whether `em` was handed out, which keeps it from being reused. */
class TransactionScope implements Transaction {
  readonly users: BoundServices['users'];
  readonly projects: BoundServices['projects'];
  readonly cams: BoundServices['cams'];
  readonly #em: EntityManager;
  #emSeen = false;

  constructor(em: EntityManager) {
    this.#em = em;
    ({ users: this.users, projects: this.projects, cams: this.cams } = serviceFacade((_kind, call) => call(em)));
  }

  get em(): EntityManager {
    this.#emSeen = true;
    return this.#em;
  }

  get emSeen(): boolean {
    return this.#emSeen;
  }
}

/**
 * Opens a pool to PostgreSQL. Nothing is sent until the first query, so this never throws for an unreachable
 * server; it throws `ConfigurationError` at once for options that cannot work (no URL, a bad URL, a bad sslmode).
 */
export function connect(options: ConnectOptions = {}): Database {
  const connections = new PoolConnections(connectionLimits(options), primaryHostPlan(options));
  return open(new MikroORM(createOrmConfig(options, connections)), connections, options);
}
