/**
 * Callers writing and reading through one `Database` while a failover happens, for the failover tests and the
 * failover benchmark: what each call did, when, and on which host the primary's connections were at the time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../src/index.ts';

/** A write the package acknowledged: the project it created, when, and where the primary's connections went then. */
export interface Ack {
  id: number;
  /** `Date.now()` when the call returned. */
  at: number;
  host: string | null;
}

export interface Failure {
  kind: 'write' | 'read';
  /** `Date.now()` when the call failed. */
  at: number;
  error: unknown;
}

export interface LoadReport {
  acks: Ack[];
  /** `Date.now()` of every read that succeeded. */
  reads: number[];
  failures: Failure[];
  /** The longest any one call took, succeeded or failed, in milliseconds. */
  longestCallMillis: number;
}

export interface Load {
  /** Stops the callers once their current calls end, and reports. */
  stop(): Promise<LoadReport>;
}

/**
 * `writers` callers creating projects for `userId` one after another, and `readers` reading that user, each call as
 * soon as the one before ended (after a failure, 20 ms later).
 */
export function startLoad(db: Database, userId: string, options: { writers: number; readers: number }): Load {
  const report: LoadReport = { acks: [], reads: [], failures: [], longestCallMillis: 0 };
  let running = true;
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await call();
    } finally {
      report.longestCallMillis = Math.max(report.longestCallMillis, performance.now() - started);
    }
  };
  const writer = async (index: number) => {
    for (let sequence = 0; running; sequence++) {
      try {
        const project = await timed(() => db.projects.create(userId, { name: `writer ${index} #${sequence}` }));
        report.acks.push({ id: project.id, at: Date.now(), host: db.primaryStatus().host });
      } catch (error) {
        report.failures.push({ kind: 'write', at: Date.now(), error });
        await sleep(20);
      }
    }
  };
  const reader = async () => {
    while (running) {
      try {
        await timed(() => db.users.get(userId));
        report.reads.push(Date.now());
      } catch (error) {
        report.failures.push({ kind: 'read', at: Date.now(), error });
        await sleep(20);
      }
    }
  };
  const callers = [...Array.from({ length: options.writers }, (_, index) => writer(index)), ...Array.from({ length: options.readers }, () => reader())];
  return {
    async stop() {
      running = false;
      await Promise.all(callers);
      return report;
    },
  };
}

/** Per second between `from` and `to` (`Date.now()` values): how many of `times` fall in that window. */
export function rate(times: readonly number[], from: number, to: number): number {
  if (to <= from) return 0;
  return (times.filter((at) => at >= from && at < to).length * 1000) / (to - from);
}
