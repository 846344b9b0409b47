import pg from 'pg';
import { hostLabel, type HostAddress, type TargetSessionAttrs } from './database-url.ts';

/** What a server told a new session about itself. */
export interface SessionState {
  /** In recovery: a hot standby (`in_hot_standby`, or `pg_is_in_recovery()` before PostgreSQL 14). */
  inHotStandby: boolean;
  /** New transactions are read-only: a standby, or `default_transaction_read_only` on. */
  readOnly: boolean;
}

/** Where a pool's connections go: the hosts to try, in order, and what a server must be to be taken. */
export interface HostPlan {
  hosts: HostAddress[];
  targetSessionAttrs: TargetSessionAttrs;
}

/** What `db.primaryStatus()` says of the hosts of the primary's pool; also the part of a replica's status. */
export interface HostStatus {
  /** `host:port` that new connections go to now; `null` before the first connection, or while no host matches. */
  host: string | null;
  /** Every host looked among, in order (`host:port`). */
  candidates: string[];
  targetSessionAttrs: TargetSessionAttrs;
  /** How many times new connections moved to another host since `connect()`. */
  switches: number;
  /** When they last moved; `null` if they never did. */
  lastSwitchAt: Date | null;
}

/**
 * The SQLSTATE a failed search carries (cannot_connect_now), so that it maps to the ConnectionError of a server that
 * cannot take the connection yet: `unavailable`, nothing was sent, worth repeating (a failover under way).
 */
export const CANNOT_CONNECT_NOW = '57P03';
/** After a search found no host, connections asked for within this long fail at once with the same error. */
const FAILED_SEARCH_HOLD_MILLIS = 200;

/** Whether a session in `state` is what `attrs` asks for; `preferStandby` says which pass of `prefer-standby` this is. */
export function matches(attrs: TargetSessionAttrs, state: SessionState, standbyPass = true): boolean {
  switch (attrs) {
    case 'any':
      return true;
    case 'read-write':
      return !state.readOnly;
    case 'read-only':
      return state.readOnly;
    case 'primary':
      return !state.inHotStandby;
    case 'standby':
      return state.inHotStandby;
    case 'prefer-standby':
      return !standbyPass || state.inHotStandby;
  }
}

/**
 * The session state from the ParameterStatus messages a server sends at startup (`in_hot_standby` and
 * `default_transaction_read_only`, reported since PostgreSQL 14), as libpq reads them; `undefined` when the server
 * (or a pooler in front of it) did not report them, and the state must be asked for.
 */
export function stateFromParameters(parameters: ReadonlyMap<string, string>): SessionState | undefined {
  const hotStandby = parameters.get('in_hot_standby');
  const readOnlyDefault = parameters.get('default_transaction_read_only');
  if (hotStandby === undefined || readOnlyDefault === undefined) return undefined;
  return { inHotStandby: hotStandby === 'on', readOnly: hotStandby === 'on' || readOnlyDefault === 'on' };
}

/** What libpq asks a server that reported no state (before PostgreSQL 14). */
export const SESSION_STATE_QUERY = `select pg_is_in_recovery() as "inHotStandby", current_setting('transaction_read_only') = 'on' as "readOnly"`;

/**
 * Chooses the host of each new connection of one pool, as libpq does for a multi-host connection string: the first
 * host, in order, that accepts a connection within `connectTimeoutMillis` and whose session matches
 * `target_session_attrs` (for `prefer-standby`, a standby first, then any). The host found is remembered: later
 * connections go straight to it, checked by what the server reports at startup, until it is found to match no longer
 * (`suspect()`), and the next connection searches again. One search at a time: connections asked for meanwhile wait
 * for its answer.
 */
export class HostSelector {
  readonly plan: HostPlan;
  readonly #connectTimeoutMillis: number;
  #current: { address: HostAddress; standbyPass: boolean } | undefined;
  #searching: Promise<{ address: HostAddress; standbyPass: boolean }> | undefined;
  #failed: { error: Error; until: number } | undefined;
  #switches = 0;
  #lastSwitchAt: Date | null = null;
  #lastHost: HostAddress | undefined;

  constructor(plan: HostPlan, connectTimeoutMillis: number) {
    this.plan = plan;
    this.#connectTimeoutMillis = connectTimeoutMillis;
  }

  /**
   * Whether connections need choosing at all: with a single host and `any`, every connection goes to that host
   * unchecked, as it always did.
   */
  get selects(): boolean {
    return this.plan.hosts.length > 1 || this.plan.targetSessionAttrs !== 'any';
  }

  /**
   * The host for a new connection, and what its session must be: the remembered one, or the first match of a search
   * whose probe connections use `config` (the user, password, database and TLS of the pool).
   */
  async choose(config: pg.ClientConfig): Promise<{ address: HostAddress; accepts: (state: SessionState) => boolean }> {
    const found = this.#current ?? (await this.#search(config));
    const attrs = this.plan.targetSessionAttrs;
    return { address: found.address, accepts: (state) => matches(attrs, state, found.standbyPass) };
  }

  /** The host new connections go to now; `undefined` before the first search and while none matches. */
  get currentHost(): HostAddress | undefined {
    return this.#current?.address;
  }

  /** `address` matches no longer (read-only, in recovery, shut down, unreachable): the next connection searches. */
  suspect(address: HostAddress): void {
    if (this.#current && sameHost(this.#current.address, address)) this.#current = undefined;
  }

  status(): HostStatus {
    return {
      host: this.#current ? hostLabel(this.#current.address) : null,
      candidates: this.plan.hosts.map(hostLabel),
      targetSessionAttrs: this.plan.targetSessionAttrs,
      switches: this.#switches,
      lastSwitchAt: this.#lastSwitchAt,
    };
  }

  #search(config: pg.ClientConfig): Promise<{ address: HostAddress; standbyPass: boolean }> {
    if (this.#failed && performance.now() < this.#failed.until) return Promise.reject(this.#failed.error);
    this.#searching ??= this.#searchHosts(config)
      .then((found) => {
        this.#failed = undefined;
        if (this.#lastHost && !sameHost(this.#lastHost, found.address)) {
          this.#switches++;
          this.#lastSwitchAt = new Date();
        }
        this.#lastHost = found.address;
        this.#current = found;
        return found;
      })
      .catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.#failed = { error: failure, until: performance.now() + FAILED_SEARCH_HOLD_MILLIS };
        throw failure;
      })
      .finally(() => {
        this.#searching = undefined;
      });
    return this.#searching;
  }

  async #searchHosts(config: pg.ClientConfig): Promise<{ address: HostAddress; standbyPass: boolean }> {
    const attrs = this.plan.targetSessionAttrs;
    const states = new Map<HostAddress, SessionState>();
    let lastError: Error | undefined;
    for (const address of this.plan.hosts) {
      try {
        const state = await this.#probe(config, address);
        if (matches(attrs, state, true)) return { address, standbyPass: true };
        states.set(address, state);
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
      }
    }
    // libpq's second pass of prefer-standby: any host that answered.
    if (attrs === 'prefer-standby') {
      const [any] = states.keys();
      if (any) return { address: any, standbyPass: false };
    }
    if (states.size === 0 && lastError) throw lastError;
    const answered = [...states.keys()].map(hostLabel).join(', ');
    const wantsWrites = attrs === 'read-write' || attrs === 'primary';
    const why = wantsWrites ? 'none of them takes writes (a failover under way?)' : 'none of them is what it asks for';
    throw Object.assign(new Error(`no host matches target_session_attrs=${attrs}: ${answered} answered, ${why}`), { code: CANNOT_CONNECT_NOW });
  }

  /** Opens a connection to `address` with the pool's credentials, reads its session state, and closes it. */
  async #probe(config: pg.ClientConfig, address: HostAddress): Promise<SessionState> {
    const probe = new pg.Client({
      ...config,
      password: config.password,
      host: address.host,
      port: address.port,
      connectionTimeoutMillis: this.#connectTimeoutMillis,
      application_name: config.application_name,
    });
    probe.on('error', () => undefined); // the server going away while probed: the pending call reports it
    const parameters = new Map<string, string>();
    probe.connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => parameters.set(message.parameterName, message.parameterValue));
    // The whole probe, the state query included, within connectTimeoutMillis: a server that accepts connections but
    // never answers is skipped like one that does not accept them.
    let expired = false;
    const deadline = setTimeout(() => {
      expired = true;
      void probe.end().catch(() => undefined);
    }, this.#connectTimeoutMillis);
    try {
      await probe.connect();
      if (this.plan.targetSessionAttrs === 'any') return { inHotStandby: false, readOnly: false };
      const reported = stateFromParameters(parameters);
      if (reported) return reported;
      const { rows } = await probe.query<SessionState>(SESSION_STATE_QUERY);
      return rows[0]!;
    } catch (error) {
      // Worded as pg words its own connect timeout, so that it maps to the same ConnectionError.
      throw expired ? new Error('timeout expired', { cause: error }) : error;
    } finally {
      clearTimeout(deadline);
      void probe.end().catch(() => undefined);
    }
  }
}

export function sameHost(a: HostAddress, b: HostAddress): boolean {
  return a.host === b.host && a.port === b.port;
}
