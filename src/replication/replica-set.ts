import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { performance } from 'node:perf_hooks';
import { ConfigurationError, ConnectionError, ConflictError, NotFoundError, ValidationError } from '../common/errors.ts';
import { resolveConnectOptions, type ConnectOptions } from '../connection/connect-options.ts';
import { connectionLimits, createOrmConfig, replicaHostPlan } from '../connection/orm-config.ts';
import { PoolConnections } from '../connection/pooled-client.ts';
import { parseLsn, PrimaryProgress } from './primary-progress.ts';
import { Replica, type ReplicaStatus } from './replica.ts';

/** The options of one replica, besides its URL: what may differ from the primary's. */
export type ReplicaOptions = Exclude<NonNullable<ConnectOptions['replicas']>[number], string>;

/** Where a read runs: the primary, or a replica. */
type Target = Replica | 'primary';

/**
 * The read replicas of one `Database`, and where each read goes. A background probe reads the primary's WAL position
 * and how far each replica has replayed, every `replicaProbeIntervalMillis`; a read goes, round robin, to a replica
 * shown to hold everything the primary had committed `maxReplicaLagMillis` ago (and, for a session, everything it
 * wrote), otherwise to the primary. No statement is added to any read.
 */
export class ReplicaSet {
  readonly #replicas: Replica[];
  readonly #primaryEm: EntityManager;
  readonly #maxLagMillis: number;
  readonly #probeIntervalMillis: number;
  readonly #progress: PrimaryProgress;
  #primaryReachable = true;
  #turn = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** `primaryEm`: where reads go when no replica may serve them, and where the probes read the primary's position. */
  constructor(primaryEm: EntityManager, replicas: Replica[], timing: { maxLagMillis: number; probeIntervalMillis: number }) {
    this.#replicas = replicas;
    this.#primaryEm = primaryEm;
    this.#maxLagMillis = timing.maxLagMillis;
    this.#probeIntervalMillis = timing.probeIntervalMillis;
    this.#progress = new PrimaryProgress(timing.maxLagMillis);
  }

  /**
   * Runs a read on a replica fresh enough for it, or on the primary. `notBefore`: the moment of the caller's last write,
   * which the replica must be shown to hold. A replica that fails is taken out of rotation and the read is made once
   * more elsewhere (reads are idempotent); an unreachable primary is replaced by the freshest reachable replica.
   */
  async read<T>(call: (em: EntityManager) => Promise<T>, notBefore = -Infinity): Promise<T> {
    this.#monitor();
    const first = this.#route(notBefore) ?? 'primary';
    try {
      return await call(this.#emOf(first));
    } catch (error) {
      if (!this.#failedThere(first, error)) throw error;
      const second = this.#route(notBefore, first);
      if (second === undefined) throw error;
      return call(this.#emOf(second));
    }
  }

  /** What the probes know of each replica now. */
  status(): ReplicaStatus[] {
    this.#monitor();
    const now = performance.now();
    return this.#replicas.map((replica) => replica.status(now, this.#maxLagMillis, this.#progress));
  }

  /** Stops the probes and closes every replica's pool. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await Promise.all(this.#replicas.map((replica) => replica.close()));
  }

  /**
   * A replica that serves the read, taking turns; else the primary while it answers; else the freshest replica that
   * answers, however stale (the primary is down: nothing newer can be read anywhere). Never `except`.
   */
  #route(notBefore: number, except?: Target): Target | undefined {
    const now = performance.now();
    const count = this.#replicas.length;
    for (let step = 0; step < count; step++) {
      const replica = this.#replicas[(this.#turn + step) % count]!;
      if (replica !== except && replica.serves(now, this.#maxLagMillis, notBefore)) {
        this.#turn = (this.#turn + step + 1) % count;
        return replica;
      }
    }
    if (this.#primaryReachable && except !== 'primary') return 'primary';
    const freshest = this.#replicas
      .filter((replica) => replica !== except && replica.reachable)
      .reduce<Replica | undefined>((best, replica) => (best === undefined || replica.freshAsOf > best.freshAsOf ? replica : best), undefined);
    return freshest ?? (except === 'primary' ? undefined : 'primary');
  }

  #emOf(target: Target): EntityManager {
    return target === 'primary' ? this.#primaryEm : target.em;
  }

  /**
   * Whether `error` is the fault of the server the read ran on, so another may answer: any failure of a replica other
   * than an answer (not found, invalid input), and a primary that cannot be reached. It marks that server down.
   */
  #failedThere(target: Target, error: unknown): boolean {
    if (target === 'primary') {
      if (!(error instanceof ConnectionError)) return false;
      this.#primaryReachable = false;
      return true;
    }
    const isAnswer = error instanceof NotFoundError || error instanceof ValidationError || error instanceof ConflictError || error instanceof ConfigurationError;
    if (isAnswer) return false;
    target.failed();
    return true;
  }

  /** Starts the probes at the first read, so that `connect()` itself still sends nothing. */
  #monitor(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => void this.#probe(), 0);
    this.#timer.unref();
  }

  async #probe(): Promise<void> {
    const sentAt = performance.now();
    try {
      const [row] = await this.#primaryEm.execute<{ lsn: string }[]>('select pg_current_wal_insert_lsn()::text as lsn');
      this.#progress.record(sentAt, parseLsn(row!.lsn));
      this.#primaryReachable = true;
    } catch {
      this.#primaryReachable = false;
    }
    // Each replica answers in its own time: a slow one never delays what the others show.
    for (const replica of this.#replicas) void replica.probe(this.#progress);
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#probe(), this.#probeIntervalMillis);
    this.#timer.unref();
  }
}

/** The replicas `connect()` was given, each with a MikroORM of its own built like the primary's; none without any. */
export function openReplicaSet(primaryEm: EntityManager, options: ConnectOptions): ReplicaSet | undefined {
  const { replicas, maxReplicaLagMillis, replicaProbeIntervalMillis } = resolveConnectOptions(options);
  if (replicas.length === 0) return undefined;
  const opened = replicas.map((replica, index) => {
    const own = typeof replica === 'string' ? { url: replica } : withoutUndefined(replica);
    // The primary's hosts, target and retry are its own: a replica has its URL's, or those it is given.
    const { hosts: _hosts, targetSessionAttrs: _attrs, failoverRetry: _retry, ...shared } = options;
    const replicaOptions = { ...shared, replicas: [], ...own };
    const connections = new PoolConnections(connectionLimits(replicaOptions), replicaHostPlan(options, index));
    return new Replica(new MikroORM(createOrmConfig(replicaOptions, connections)), own.url, connections);
  });
  return new ReplicaSet(primaryEm, opened, {
    maxLagMillis: maxReplicaLagMillis,
    probeIntervalMillis: replicaProbeIntervalMillis ?? Math.max(1, Math.floor(maxReplicaLagMillis / 4)),
  });
}

function withoutUndefined(options: ReplicaOptions): ReplicaOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as ReplicaOptions;
}
