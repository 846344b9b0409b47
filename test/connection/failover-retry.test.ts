import { describe, expect, it } from 'vitest';
import { ConnectionError, NotFoundError } from '../../src/index.ts';
import { withFailoverRetry } from '../../src/connection/failover-retry.ts';

const fault = (reason: ConstructorParameters<typeof ConnectionError>[1]['reason'], retryable: boolean) => new ConnectionError(`fault: ${reason}`, { reason, retryable });

/** A call that fails with `errors`, one per attempt, then answers `done`; it counts its attempts. */
function failing(errors: Error[]) {
  let attempts = 0;
  return {
    get attempts() {
      return attempts;
    },
    call: async () => {
      attempts++;
      const error = errors[attempts - 1];
      if (error) throw error;
      return 'done';
    },
  };
}

describe('failoverRetry', () => {
  it('repeats a call that failed with a retryable fault of a failover, backing off, until it answers', async () => {
    const call = failing([fault('read-only', true), fault('unavailable', true), fault('terminated', true), fault('connect-timeout', true)]);
    const started = performance.now();
    await expect(withFailoverRetry({ withinMillis: 5_000, delayMillis: 10 }, call.call)).resolves.toBe('done');
    expect(call.attempts).toBe(5);
    expect(performance.now() - started).toBeGreaterThanOrEqual(10 + 20 + 40 + 80 - 5);
  });

  it.each([
    ['a write that may have committed', fault('lost', false)],
    ['a busy pool', fault('acquire-timeout', true)],
    ['a slow statement', fault('statement-timeout', true)],
    ['a refused login', fault('refused', false)],
    ['a closed handle', fault('closed', false)],
    ['an answer', new NotFoundError('User', 'u1')],
  ])('never repeats %s', async (_what, error) => {
    const call = failing([error]);
    await expect(withFailoverRetry({ withinMillis: 5_000, delayMillis: 10 }, call.call)).rejects.toBe(error);
    expect(call.attempts).toBe(1);
  });

  it('gives up withinMillis after the first failure, with the last error', async () => {
    const errors = Array.from({ length: 100 }, () => fault('unavailable', true));
    const call = failing(errors);
    const started = performance.now();
    const thrown = await withFailoverRetry({ withinMillis: 250, delayMillis: 20 }, call.call).catch((error: unknown) => error);
    expect(thrown).toBe(errors[call.attempts - 1]);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(240);
    expect(took).toBeLessThan(600);
    expect(call.attempts).toBeGreaterThan(2);
  });
});
