import pg from 'pg';
import { CUT_BY_CLOSE, HANDLE_CLOSED, STATEMENT_DEADLINE_PASSED } from '../common/fault-codes.ts';
import { copyInRowsOf, streamCopyIn } from './copy-in.ts';
import { settingsOf, StatementWithSettings, type TransactionSettings } from './transaction-settings.ts';

/** What the pool's connections enforce; every value is validated by `connect()` first. */
export interface ConnectionLimits {
  connectTimeoutMillis: number;
  statementTimeoutMillis: number;
  idleInTransactionTimeoutMillis: number;
}

// What Kysely sends to open a transaction, with or without an isolation level or access mode, and to end one.
const TRANSACTION_START = /^(begin|start transaction)\b[^;]*$/i;
const TRANSACTION_ROLLBACK = /^rollback$/i;
const READ_ONLY_SQL_TRANSACTION = '25006';

/**
 * The connections of one `Database`: the `pg` client class its pool creates them with, and the switch that ends
 * them all when the handle closes. A connection opened after that, by a pool MikroORM would create anew for a call
 * on a stale EntityManager, fails at once instead of connecting.
 */
export class PoolConnections {
  readonly #open = new Set<pg.Client>();
  #closed = false;
  readonly Client: typeof pg.Client;

  constructor(limits: ConnectionLimits) {
    this.Client = pooledClientClass(limits, this.#open, () => this.#closed);
    STREAMING_CLIENTS.add(this.Client);
  }

  /** Refuses new connections and breaks the open ones: a statement still running on one fails as closed. */
  endAll(): void {
    this.#closed = true;
    for (const client of this.#open) void client.end().catch(() => undefined);
  }
}

/** The client classes of `PoolConnections`: their connections stream `COPY ... FROM STDIN` (`CopyInRows`). */
const STREAMING_CLIENTS = new WeakSet<typeof pg.Client>();

/** Whether connections made with these driver options (a MikroORM config's `driverOptions`) stream COPY FROM STDIN. */
export function streamsCopyIn(driverOptions: unknown): boolean {
  const Client = (driverOptions as { Client?: unknown } | undefined)?.Client;
  return typeof Client === 'function' && STREAMING_CLIENTS.has(Client as typeof pg.Client);
}

function pooledClientClass(limits: ConnectionLimits, open: Set<pg.Client>, isClosed: () => boolean): typeof pg.Client {
  // Transaction-scoped settings ride along with BEGIN, in the same round trip. Set per transaction, they work through
  // a transaction pooler (PgBouncer refuses them as startup parameters) and never outlive the transaction, so no
  // other client of a shared server connection inherits them.
  const transactionSettings =
    `; set local statement_timeout = ${limits.statementTimeoutMillis}` +
    `; set local idle_in_transaction_session_timeout = ${limits.idleInTransactionTimeoutMillis}`;

  return class PooledClient extends pg.Client {
    #ended = false;

    constructor(config?: pg.ClientConfig) {
      // The pool hands every client its own options, where `connectionTimeoutMillis` is the acquire timeout. It keeps
      // `password` out of sight (not enumerable), so a spread would drop it.
      super({ ...config, password: config?.password, connectionTimeoutMillis: limits.connectTimeoutMillis });
      this.once('end', () => {
        this.#ended = true;
        open.delete(this);
      });
    }

    override end(): Promise<void>;
    override end(callback: (err: Error) => void): void;
    override end(callback?: (err: Error) => void): Promise<void> | void {
      this.#ended = true;
      return callback ? super.end(callback) : super.end();
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
      if (isClosed()) {
        const error = Object.assign(new Error('The database handle is closed'), { code: HANDLE_CLOSED });
        if (!callback) return Promise.reject(error);
        process.nextTick(() => callback(error));
        return;
      }
      open.add(this);
      return callback ? super.connect(callback) : super.connect();
    }

    /**
     * Every statement gets an answer within `statementTimeoutMillis` or its connection is closed: a server that
     * stopped answering (frozen, partitioned) cannot make a call wait past it. Closing is the only way out that leaves
     * nothing behind: the server rolls back an open transaction when it sees the connection go, and the pool never
     * hands out a connection with a statement still pending on it.
     */
    // `any`: the result is whatever pg's overload for these arguments returns, and is returned as it is.
    override query(...args: unknown[]): any {
      const opensTransaction = typeof args[0] === 'string' && TRANSACTION_START.test(args[0]);
      if (opensTransaction) {
        args[0] = args[0] + transactionSettings;
      }
      // The server rolls back the transaction of a connection that is gone, so ROLLBACK has nothing left to do. Kysely
      // returns a transaction's connection to the pool only when ROLLBACK succeeds: failing here would keep the dead
      // connection counted in the pool for good, and a few such faults would leave it no connection to hand out.
      if (this.#ended && typeof args[0] === 'string' && TRANSACTION_ROLLBACK.test(args[0])) {
        return Promise.resolve({ command: 'ROLLBACK', rowCount: null, oid: 0, rows: [], fields: [] });
      }
      const copyIn = copyInRowsOf(args);
      const withSettings = copyIn ? undefined : settingsOf(args);
      if (!copyIn && !withSettings && !answersByPromise(args)) return Reflect.apply(pg.Client.prototype.query, this, args);
      const sent = copyIn
        ? streamCopyIn(this, args[0] as string, copyIn)
        : withSettings
          ? this.#sentWithSettings(args[0] as string, withSettings.values, withSettings.settings)
          : this.#sentWithCallback(args);
      const answered = this.#answeredInTime(sent);
      return opensTransaction ? answered.catch((error: unknown) => this.#returnToPool(error)) : answered;
    }

    /**
     * A statement asked for as a promise (Kysely, and so MikroORM, always asks so), sent in pg's callback form. With
     * pg's own promise form the young objects of each read survived into the old generation until a full collection:
     * the same read of a cam spent 15 times as long in garbage collection as through `pg.Pool#query` or the callback
     * form (`node bench/gc-of-pg-promises.ts`, `bench/results/gc-of-pg-promises.md`).
     */
    #sentWithCallback(args: unknown[]): Promise<pg.QueryResult> {
      const [statement, values] = args;
      return new Promise<pg.QueryResult>((resolve, reject) => {
        const answer = (error: Error | null, result: pg.QueryResult) => (error ? reject(error) : resolve(result));
        Reflect.apply(pg.Client.prototype.query, this, args.length > 1 ? [statement, values, answer] : [statement, answer]);
      }).catch((error: unknown) => {
        // As pg does: a stack that leads back to the caller rather than to the socket's read.
        if (error instanceof Error) Error.captureStackTrace(error);
        throw error;
      });
    }

    /** A statement after its transaction settings, in one round trip (`StatementWithSettings`). */
    #sentWithSettings(sql: string, values: unknown[], settings: TransactionSettings): Promise<pg.QueryResult> {
      return new Promise<pg.QueryResult>((resolve, reject) => {
        const typeParser = (oid: number, format: 'text') => this.getTypeParser(oid, format);
        this.query(new StatementWithSettings(sql, values, settings, typeParser, (error, result) => (error ? reject(error) : resolve(result!))));
      }).catch((error: unknown) => {
        if (error instanceof Error) Error.captureStackTrace(error);
        throw error;
      });
    }

    /**
     * Kysely keeps the connection of a transaction whose BEGIN failed and never returns it to the pool, which would
     * count it as busy for good. It goes back here, as broken so that the pool closes it; a second return is harmless.
     */
    #returnToPool(error: unknown): never {
      if (isPoolClient(this)) {
        const release = this.release.bind(this);
        this.release = () => undefined;
        release(error instanceof Error ? error : true);
      }
      throw error;
    }

    #answeredInTime<Result>(sent: Promise<Result>): Promise<Result> {
      let expired = false;
      const deadline = setTimeout(() => {
        expired = true;
        void this.end().catch(() => undefined);
      }, limits.statementTimeoutMillis);
      return sent.then(
        (result) => {
          clearTimeout(deadline);
          return result;
        },
        (error: unknown) => {
          clearTimeout(deadline);
          if (isClosed()) {
            throw Object.assign(new Error('The database handle was closed while the statement ran'), { code: CUT_BY_CLOSE, cause: error });
          }
          if (expired) {
            throw Object.assign(new Error(`No answer within ${limits.statementTimeoutMillis} ms`), { code: STATEMENT_DEADLINE_PASSED, cause: error });
          }
          // A server that became read-only (a failover demoted it) stays so: the next call must open a new connection,
          // which the server's address may now lead to the new primary.
          if (error instanceof Error && 'code' in error && error.code === READ_ONLY_SQL_TRANSACTION) {
            void this.end().catch(() => undefined);
          }
          throw error;
        },
      );
    }
  };
}

/**
 * Whether pg answers these `query()` arguments with a promise: a statement (text or config) without a callback, not a
 * submittable (a COPY stream, a cursor), which pg returns as it is.
 */
function answersByPromise(args: readonly unknown[]): boolean {
  const [statement] = args;
  if (typeof statement !== 'string' && (typeof statement !== 'object' || statement === null)) return false;
  if (typeof (statement as { submit?: unknown }).submit === 'function' || typeof (statement as { callback?: unknown }).callback === 'function') return false;
  return args.length <= 2 && typeof args[1] !== 'function';
}

/** The pool adds `release()` to each client it hands out. */
function isPoolClient(client: pg.Client): client is pg.Client & pg.PoolClient {
  return 'release' in client && typeof client.release === 'function';
}
