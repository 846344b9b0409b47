import { z } from 'zod';
import { ConnectionError } from '../common/errors.ts';
import { parseOptions } from '../common/options.ts';

/** The options of `db.close()`. */
export const closeOptionsSchema = z.strictObject({
  /** How long calls already running may take to finish before their connections are closed. Default 10,000 ms. */
  graceMillis: z.int().nonnegative().default(10_000),
});

export type CloseOptions = z.input<typeof closeOptionsSchema>;

export function resolveCloseOptions(options: CloseOptions = {}): z.output<typeof closeOptionsSchema> {
  return parseOptions(closeOptionsSchema, options, 'close()');
}

/**
 * Counts the calls of one `Database` that are running, so that closing it can refuse new calls at once and still let
 * the running ones finish.
 */
export class CallsInFlight {
  #running = 0;
  #closed = false;
  #settled: (() => void) | undefined;

  /** Runs `call`, counted; once closed, fails at once without running it. */
  run<T>(call: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(handleClosed());
    this.#running++;
    let running: Promise<T>;
    try {
      running = call();
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.finally(() => {
      this.#running--;
      if (this.#running === 0) this.#settled?.();
    });
  }

  /** Throws when closed: for what is not a call but must not start after close (a new EntityManager). */
  assertOpen(): void {
    if (this.#closed) throw handleClosed();
  }

  /** Refuses new calls from now on, and resolves when the running ones have finished or `graceMillis` has passed. */
  close(graceMillis: number): Promise<void> {
    this.#closed = true;
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMillis);
      this.#settled = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function handleClosed(): ConnectionError {
  return new ConnectionError('The database handle is closed: close() was called', { reason: 'closed', retryable: false });
}
