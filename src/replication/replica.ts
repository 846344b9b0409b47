import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { hostLabel, redactDatabaseUrl } from '../connection/database-url.ts';
import type { PoolConnections } from '../connection/pooled-client.ts';
import { parseLsn, type PrimaryProgress } from './primary-progress.ts';

/** What the last probe of a replica found, for whoever watches the replicas (`db.replicaStatus()`). */
export interface ReplicaStatus {
  /** The replica's URL, password masked. */
  url: string;
  /**
   * `host:port` its connections go to now: with several hosts to choose among (its own, the primary's, the other
   * replicas'), the first standby in that order, so it may differ from the URL's after a failover; `null` while none
   * is known.
   */
  host: string | null;
  /** Whether plain reads may go to it now: reachable, a standby, and fresh within `maxReplicaLagMillis`. */
  inRotation: boolean;
  /** Whether its last probe (or read) reached it; `false` before the first probe. */
  reachable: boolean;
  /** How far behind the data it is known to hold may be, in milliseconds; `null` when nothing is shown. */
  stalenessMillis: number | null;
  /** WAL bytes between the primary's position at the last probe and what the replica has replayed; `null` if unknown. */
  lagBytes: number | null;
  /** The server's own `now() - pg_last_xact_replay_timestamp()`, in milliseconds: informative, as it compares two clocks. */
  replayDelayMillis: number | null;
}

interface ProbeRow {
  replayed: string | null;
  replay_delay_millis: number | null;
}

/** One read replica: its own MikroORM (and pool), the EntityManager reads run on, and what the probes know of it. */
export class Replica {
  readonly orm: MikroORM;
  /** Service calls keep no state in an EntityManager (as on the primary), so one fork serves every read. */
  readonly em: EntityManager;
  readonly #url: string;
  readonly #connections: PoolConnections | undefined;
  #reachable = false;
  #freshAsOf = -Infinity;
  #replayed: bigint | undefined;
  #replayDelayMillis: number | null = null;
  #probing = false;

  constructor(orm: MikroORM, url: string, connections?: PoolConnections) {
    this.orm = orm;
    this.#url = redactDatabaseUrl(url);
    this.#connections = connections;
    this.em = orm.em.fork();
  }

  /**
   * Closes the replica's pool as the primary's is closed: its open connections are broken first, so a connection still
   * busy (a probe or a read to a server that stopped answering) cannot keep the pool from ending.
   */
  async close(): Promise<void> {
    this.#connections?.endAll();
    await this.orm.close();
  }

  /** Whether a read that must not see data from before `notBefore`, nor older than `maxLagMillis`, may come here. */
  serves(now: number, maxLagMillis: number, notBefore: number): boolean {
    return this.#reachable && now - this.#freshAsOf <= maxLagMillis && this.#freshAsOf > notBefore;
  }

  /** Whether it answered its last probe, however stale it is. */
  get reachable(): boolean {
    return this.#reachable;
  }

  /** The moment (monotonic clock) before which it is known to hold every commit of the primary. */
  get freshAsOf(): number {
    return this.#freshAsOf;
  }

  /** A read failed here: out of rotation until a probe shows it reachable and caught up again. */
  failed(): void {
    this.#reachable = false;
  }

  /** Reads how far it has replayed; skipped while its previous probe is still waiting for an answer. */
  async probe(progress: PrimaryProgress): Promise<void> {
    if (this.#probing) return;
    this.#probing = true;
    try {
      const [row] = await this.em.execute<ProbeRow[]>(
        `select pg_last_wal_replay_lsn()::text as replayed,
                (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::float8 as replay_delay_millis`,
      );
      // A server that is not a standby has no replay position: it may be a promoted former replica, on a history
      // of its own. Never read from it.
      this.#reachable = row?.replayed != null;
      // Promoted (a failover made it the primary): its connections go, and the next ones look for a standby.
      const promoted = this.#connections?.currentHost;
      if (!this.#reachable && promoted && this.#connections?.selectsHosts) this.#connections.leave(promoted);
      this.#replayed = row?.replayed == null ? undefined : parseLsn(row.replayed);
      this.#freshAsOf = this.#replayed === undefined ? -Infinity : progress.freshAsOf(this.#replayed);
      this.#replayDelayMillis = row?.replay_delay_millis ?? null;
    } catch {
      this.#reachable = false;
    } finally {
      this.#probing = false;
    }
  }

  status(now: number, maxLagMillis: number, progress: PrimaryProgress): ReplicaStatus {
    const latest = progress.latest();
    const current = this.#connections?.currentHost;
    return {
      url: this.#url,
      host: current ? hostLabel(current) : this.#connections?.selectsHosts ? null : this.#connections?.status().candidates[0] ?? null,
      inRotation: this.serves(now, maxLagMillis, -Infinity),
      reachable: this.#reachable,
      stalenessMillis: Number.isFinite(this.#freshAsOf) ? now - this.#freshAsOf : null,
      lagBytes: latest !== undefined && this.#replayed !== undefined ? Math.max(0, Number(latest - this.#replayed)) : null,
      replayDelayMillis: this.#replayDelayMillis,
    };
  }
}
