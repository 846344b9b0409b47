// Longer than the package's other files: the pool's client is one class, whose overrides of connect(), query() and
// end() share the connection's state (its host, deadline, transaction and retirement) and cannot be split apart.
import pg from 'pg';
import { CUT_BY_CLOSE, HANDLE_CLOSED, STATEMENT_DEADLINE_PASSED } from '../common/fault-codes.ts';
import { failedByName } from '../common/map-error.ts';
import { copyInRowsOf, streamCopyIn } from './copy-in.ts';
import { hostLabel, type HostAddress } from './database-url.ts';
import { CANNOT_CONNECT_NOW, HostSelector, sameHost, SESSION_STATE_QUERY, stateFromParameters, type HostPlan, type HostStatus, type SessionState } from './host-selector.ts';
import { PreparedStatementName } from './prepared-statement.ts';
import { trailingParameter } from './trailing-parameter.ts';
import { StatementWithSettings, TransactionSettings } from './transaction-settings.ts';

/** What the pool's connections enforce, and whether they prepare statements; every value is validated by `connect()` first. */
export interface ConnectionLimits {
  connectTimeoutMillis: number;
  statementTimeoutMillis: number;
  idleInTransactionTimeoutMillis: number;
  preparedStatements: boolean;
}

// What Kysely sends to open a transaction, with or without an isolation level or access mode, and to end one.
const TRANSACTION_START = /^(begin|start transaction)\b[^;]*$/i;
const TRANSACTION_ROLLBACK = /^rollback$/i;
const READ_ONLY_SQL_TRANSACTION = '25006';
/**
 * What a server that stopped being the one a pool wants says: a write refused as read-only, a function only a primary
 * runs refused because recovery is in progress (the replicas' probe of the primary's WAL position), and the shutdown
 * of a primary that a failover demotes (57P01, and 57P03 while it restarts as a standby).
 */
const RECOVERY_IN_PROGRESS = { code: '55000', message: /recovery is in progress/ };
const SERVER_GONE = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'ECONNREFUSED']);

/** One open connection, as `PoolConnections` sees it. */
interface Member {
  readonly address: HostAddress;
  /** Taken out of use: closed now if idle in the pool, when given back otherwise. */
  retire(): void;
  end(): Promise<void>;
}

/**
 * The connections of one `Database` (or of one of its replicas): the `pg` client class its pool creates them with,
 * which host each new one goes to (`HostSelector`), and the switch that ends them all when the handle closes. A
 * connection opened after that, by a pool MikroORM would create anew for a call on a stale EntityManager, fails at
 * once instead of connecting.
 */
export class PoolConnections {
  readonly #open = new Set<Member>();
  #closed = false;
  /**
   * Whether the package's statements go by name: as `connect({ preparedStatements })` says, until a server connection
   * fails to hold one (a transaction pooler that does not keep them), and never again after that.
   */
  #prepares: boolean;
  readonly #selector: HostSelector;
  readonly Client: typeof pg.Client;

  /** `plan`: the hosts to choose among and what they must be; without it, the URL's one host, unchecked. */
  constructor(limits: ConnectionLimits, plan: HostPlan = { hosts: [], targetSessionAttrs: 'any' }) {
    this.#selector = new HostSelector(plan, limits.connectTimeoutMillis);
    this.#prepares = limits.preparedStatements;
    this.Client = pooledClientClass(limits, {
      open: this.#open,
      isClosed: () => this.#closed,
      selector: this.#selector,
      leave: (address) => this.leave(address),
      prepares: () => this.#prepares,
      stopPreparing: () => (this.#prepares = false),
    });
    STREAMING_CLIENTS.add(this.Client);
  }

  /**
   * The server at `address` is no longer what this pool wants (demoted, in recovery, shut down, promoted away from
   * a replica's role): every connection to it is retired, and the next new connection searches the hosts again.
   */
  leave(address: HostAddress): void {
    this.#selector.suspect(address);
    for (const member of this.#open) if (sameHost(member.address, address)) member.retire();
  }

  /** Where new connections go now, and the hosts they are chosen among. */
  status(): HostStatus {
    return this.#selector.status();
  }

  /** The host new connections go to now; `undefined` before the first connection and while none matches. */
  get currentHost(): HostAddress | undefined {
    return this.#selector.currentHost;
  }

  /** Whether the pool chooses among hosts and checks what each server is (a multi-host URL, or target_session_attrs). */
  get selectsHosts(): boolean {
    return this.#selector.selects;
  }

  /** Refuses new connections and breaks the open ones: a statement still running on one fails as closed. */
  endAll(): void {
    this.#closed = true;
    for (const member of this.#open) void member.end().catch(() => undefined);
  }
}

/** The client classes of `PoolConnections`: their connections stream `COPY ... FROM STDIN` (`CopyInRows`). */
const STREAMING_CLIENTS = new WeakSet<typeof pg.Client>();

/** Whether connections made with these driver options (a MikroORM config's `driverOptions`) stream COPY FROM STDIN. */
export function streamsCopyIn(driverOptions: unknown): boolean {
  const Client = (driverOptions as { Client?: unknown } | undefined)?.Client;
  return typeof Client === 'function' && STREAMING_CLIENTS.has(Client as typeof pg.Client);
}

/** What the client class shares with its `PoolConnections`. */
interface Shared {
  open: Set<Member>;
  isClosed: () => boolean;
  selector: HostSelector;
  leave: (address: HostAddress) => void;
  prepares: () => boolean;
  stopPreparing: () => void;
}

type PoolRelease = (error?: Error | boolean) => void;

function pooledClientClass(limits: ConnectionLimits, shared: Shared): typeof pg.Client {
  const { open, isClosed, selector } = shared;
  // Transaction-scoped settings ride along with BEGIN, in the same round trip. Set per transaction, they work through
  // a transaction pooler (PgBouncer refuses them as startup parameters) and never outlive the transaction, so no
  // other client of a shared server connection inherits them.
  const transactionSettings =
    `; set local statement_timeout = ${limits.statementTimeoutMillis}` +
    `; set local idle_in_transaction_session_timeout = ${limits.idleInTransactionTimeoutMillis}`;

  return class PooledClient extends pg.Client implements Member {
    #ended = false;
    /** The pool's options, the password included, for the probe connections of a search among the hosts. */
    readonly #config: pg.ClientConfig;
    #address: HostAddress;
    /** Whether the server's session is what the pool wants; set once connected to a host that was chosen. */
    #accepts: ((state: SessionState) => boolean) | undefined;
    readonly #parameters = new Map<string, string>();
    #connected = false;
    #retired = false;
    /** The pool's `release` of this connection while it is handed out; `undefined` while idle in the pool. */
    #poolRelease: PoolRelease | undefined;
    /** Whether the session is outside a transaction block, as the server said when it was last ready for a query. */
    #outsideTransaction = true;
    /** The statements sent by name after transaction settings on this connection: parsed, or perhaps (a failed attempt). */
    readonly #namedWithSettings = new Map<string, 'parsed' | 'uncertain'>();

    constructor(config?: pg.ClientConfig) {
      // The pool hands every client its own options, where `connectionTimeoutMillis` is the acquire timeout. It keeps
      // `password` out of sight (not enumerable), so a spread would drop it.
      const own = { ...config, password: config?.password, connectionTimeoutMillis: limits.connectTimeoutMillis };
      super(own);
      this.#config = own;
      this.#address = { host: this.host, port: this.port };
      this.once('end', () => {
        this.#ended = true;
        open.delete(this);
      });
      // Faults of a connection with no statement running (an idle one in the pool, a server shutting down).
      this.on('error', (error) => this.#faulted(error));
      this.connection.on('readyForQuery', (message: { status: string }) => (this.#outsideTransaction = message.status === 'I'));
      // PostgreSQL 14 and later report `in_hot_standby` again when it changes: a standby promoted, for a replica's pool.
      this.connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
        this.#parameters.set(message.parameterName, message.parameterValue);
        if (!this.#connected || !this.#accepts) return;
        const state = stateFromParameters(this.#parameters);
        if (state && !this.#accepts(state)) shared.leave(this.#address);
      });
    }

    /** The server this connection went to. */
    get address(): HostAddress {
      return this.#address;
    }

    /**
     * The pool sets `release` on each connection it hands out; it is kept, and called by the one given back, which
     * removes a retired connection from the pool instead of keeping it idle. A second call does nothing.
     */
    get release(): PoolRelease {
      return this.#releaseOnce;
    }

    set release(poolRelease: PoolRelease) {
      this.#poolRelease = poolRelease;
    }

    readonly #releaseOnce: PoolRelease = (error) => {
      const poolRelease = this.#poolRelease;
      this.#poolRelease = undefined;
      poolRelease?.(error || (this.#retired ? true : undefined));
    };

    retire(): void {
      if (this.#retired || this.#ended) return;
      this.#retired = true;
      // Idle in the pool: an 'error' is how pg's pool learns that an idle connection is gone, and removes it.
      if (this.#connected && this.#poolRelease === undefined) {
        this.emit('error', Object.assign(new Error('Retired: the server is no longer what the pool wants (a failover?)'), { code: RETIRED }));
      }
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
      const connected = this.#connectToHost().then(() => this);
      if (!callback) return connected;
      const answer = callback as (err: Error | null, client?: pg.Client) => void;
      connected.then(
        (client) => answer(null, client),
        (error: Error) => answer(error),
      );
    }

    async #connectToHost(): Promise<void> {
      if (isClosed()) throw Object.assign(new Error('The database handle is closed'), { code: HANDLE_CLOSED });
      open.add(this);
      if (!selector.selects) {
        await super.connect();
        this.#connected = true;
        return;
      }
      let chosen;
      try {
        chosen = await selector.choose(this.#config);
      } catch (error) {
        open.delete(this);
        throw error;
      }
      this.host = chosen.address.host;
      this.port = chosen.address.port;
      this.#address = chosen.address;
      try {
        await super.connect();
      } catch (error) {
        selector.suspect(chosen.address);
        throw error;
      }
      let state: SessionState | undefined;
      try {
        state = stateFromParameters(this.#parameters) ?? (selector.plan.targetSessionAttrs === 'any' ? undefined : await this.#askState());
      } catch (error) {
        // The pool forgets a connection whose connect() failed without closing it: close it here.
        await this.end().catch(() => undefined);
        throw error;
      }
      if ((state && !chosen.accepts(state)) || this.#retired) {
        // The host remembered is no longer what it was (a failover since): the next connection searches again.
        shared.leave(chosen.address);
        await this.end().catch(() => undefined);
        throw Object.assign(new Error(`the server at ${hostLabel(chosen.address)} no longer matches target_session_attrs=${selector.plan.targetSessionAttrs}`), {
          code: CANNOT_CONNECT_NOW,
        });
      }
      this.#accepts = chosen.accepts;
      this.#connected = true;
    }

    /** The session state, asked of a server that did not report it at startup (before PostgreSQL 14, or a pooler). */
    async #askState(): Promise<SessionState> {
      const result: pg.QueryResult<SessionState> = await this.#answeredInTime(this.#sentWithCallback([SESSION_STATE_QUERY]));
      return result.rows[0]!;
    }

    /**
     * A fault that says the server is no longer the one the pool wants: the host is left behind. A write refused as
     * read-only always means so; a shutdown or a refused connection only counts where the pool chooses among hosts.
     */
    #faulted(error: unknown): void {
      if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return;
      const { code } = error;
      const demoted = code === READ_ONLY_SQL_TRANSACTION || (code === RECOVERY_IN_PROGRESS.code && RECOVERY_IN_PROGRESS.message.test(error.message));
      if (demoted || (selector.selects && SERVER_GONE.has(code))) shared.leave(this.#address);
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
      // A statement of the package carries its name last, and its transaction settings after it where it has them.
      const withSettings = copyIn ? undefined : trailingParameter(args, TransactionSettings);
      const named = copyIn ? undefined : trailingParameter(withSettings ? [args[0], withSettings.values] : args, PreparedStatementName);
      if (!copyIn && !withSettings && !named && !answersByPromise(args)) return Reflect.apply(pg.Client.prototype.query, this, args);
      const text = args[0] as string;
      const values = named?.values ?? withSettings?.values ?? [];
      const sent = copyIn
        ? streamCopyIn(this, text, copyIn)
        : withSettings
          ? this.#byNameWherePrepared(named?.marker, (name) => this.#sentWithSettings(text, values, withSettings.marker, name))
          : named
            ? this.#byNameWherePrepared(named.marker, (name) => this.#sentWithCallback(name ? [{ name, text, values }] : [text, values]))
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

    /**
     * A statement of the package sent by its name, parsed and planned once per connection (`PreparedStatementName`),
     * where the handle prepares statements; `send(undefined)` sends it without one. Should the server connection not
     * hold it (a transaction pooler that shares server connections among clients), the handle stops preparing, and the
     * statement is sent again without a name if it ran outside a transaction; inside one, the server has rolled the
     * transaction back, and the error says so (`map-error.ts`).
     */
    #byNameWherePrepared(prepared: PreparedStatementName | undefined, send: (name: string | undefined) => Promise<pg.QueryResult>): Promise<pg.QueryResult> {
      if (!prepared || !shared.prepares()) return send(undefined);
      const outsideTransaction = this.#outsideTransaction;
      return send(prepared.name).catch((error: unknown) => {
        if (!failedByName(error)) throw error;
        shared.stopPreparing();
        if (!outsideTransaction) throw error;
        return send(undefined);
      });
    }

    /**
     * A statement after its transaction settings, in one round trip (`StatementWithSettings`); by `name` if given. pg
     * keeps the names its own queries parsed, not those of a submittable: this connection keeps these (each a name of
     * its own, ending in `_s`, so the two never meet), and one whose attempt failed is closed before it is parsed again.
     */
    #sentWithSettings(sql: string, values: unknown[], settings: TransactionSettings, name: string | undefined): Promise<pg.QueryResult> {
      const key = name && `${name}_s`;
      const state = key ? this.#namedWithSettings.get(key) : undefined;
      const named = key ? { name: key, parse: state !== 'parsed', closeFirst: state === 'uncertain' } : undefined;
      return new Promise<pg.QueryResult>((resolve, reject) => {
        const typeParser = (oid: number, format: 'text') => this.getTypeParser(oid, format);
        this.query(new StatementWithSettings(sql, values, settings, named, typeParser, (error, result) => (error ? reject(error) : resolve(result!))));
      }).then(
        (result) => {
          if (key) this.#namedWithSettings.set(key, 'parsed');
          return result;
        },
        (error: unknown) => {
          if (named?.parse) this.#namedWithSettings.set(named.name, 'uncertain');
          if (error instanceof Error) Error.captureStackTrace(error);
          throw error;
        },
      );
    }

    /**
     * Kysely keeps the connection of a transaction whose BEGIN failed and never returns it to the pool, which would
     * count it as busy for good. It goes back here, as broken so that the pool closes it; a second return is harmless.
     */
    #returnToPool(error: unknown): never {
      this.#releaseOnce(error instanceof Error ? error : true);
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
          // A server that became read-only (a failover demoted it) stays so: every connection to it is retired, and
          // the next one goes to the host found to take writes now (or, behind one address, wherever it leads now).
          this.#faulted(error);
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

/** The `code` of the error a retired idle connection is removed from the pool with. */
const RETIRED = 'ENGINECAMPRO_RETIRED';
