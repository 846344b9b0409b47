import { performance } from 'node:perf_hooks';
import type { Transaction } from '../database.ts';
import type { BoundServices } from '../services.ts';

/**
 * The services for one flow of work (a request, a user's actions) that must read its own writes: `db.session()`.
 * Its reads go to a replica only once a probe has shown that replica holds everything the session wrote; until
 * then, to the primary. Writes cost nothing more than outside a session: no statement is added to any call.
 */
export interface Session extends BoundServices {
  /** `db.transaction()`, on the primary; its reads and writes count as the session's writes. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** When a session last wrote, on the monotonic clock the replica probes use. */
export class WriteClock {
  #lastWriteAt = -Infinity;

  get lastWriteAt(): number {
    return this.#lastWriteAt;
  }

  /** Runs a write and notes when it ended, failed or not: a write that failed may still have committed. */
  async writing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.#lastWriteAt = performance.now();
    }
  }
}
