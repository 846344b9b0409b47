import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError, type ConnectionFault } from '../common/errors.ts';

/** The resolved `failoverRetry` option of `connect()`. */
export interface FailoverRetry {
  withinMillis: number;
  delayMillis: number;
}

/**
 * The faults a failover causes, and that a later attempt may not meet: the server became read-only, ended the
 * session, went away, or does not accept connections yet. Not `acquire-timeout` (the pool is busy: repeating adds to
 * it), `statement-timeout` (the statement is slow wherever it runs), `refused` or `closed`.
 */
const FAILOVER_FAULTS: ReadonlySet<ConnectionFault> = new Set(['read-only', 'terminated', 'lost', 'unreachable', 'connect-timeout', 'unavailable']);
const MAX_DELAY_MILLIS = 1_000;

/**
 * Runs `call`, and repeats it while it fails with a `ConnectionError` of a failover that says repeating is safe
 * (`retryable`: a read, or a write known not to have committed), waiting `delayMillis` and then twice as long each time
 * (up to 1 s), for as long as `withinMillis` after the first failure allows. The last error is thrown as it is.
 */
export async function withFailoverRetry<T>(retry: FailoverRetry, call: () => Promise<T>): Promise<T> {
  let deadline: number | undefined;
  let delay = retry.delayMillis;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ConnectionError) || !error.retryable || !FAILOVER_FAULTS.has(error.reason)) throw error;
      deadline ??= performance.now() + retry.withinMillis;
      const wait = Math.min(delay, deadline - performance.now());
      if (wait <= 0) throw error;
      await sleep(wait);
      delay = Math.min(delay * 2, MAX_DELAY_MILLIS);
    }
  }
}
