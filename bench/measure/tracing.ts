import { tracingChannel, type TracingChannelSubscribers } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import * as camService from '../../src/cam/cam.service.ts';
import { connect, SERVICE_CALL_CHANNEL, type ServiceCallContext } from '../../src/index.ts';
import type { BenchConfig, BenchMode } from '../config.ts';
import type { BenchLibrary } from '../libraries/library.ts';
import { oursOn } from '../libraries/ours.ts';
import type { Scenario } from '../scenarios.ts';
import { emptyMeasurement, merge, percentile, runSlice, type Measurement, type SliceLimits, type TurnCounter } from './timing.ts';

/**
 * What tracing costs a hot call, three ways on one pool: the service function called directly, as the package ran it
 * before its calls were traced; the traced call with nobody subscribed; and with a subscriber doing what a tracer
 * does on every call.
 */
export const TRACING_VARIANTS = ['untraced', 'unsubscribed', 'subscribed'] as const;
export type TracingVariant = (typeof TRACING_VARIANTS)[number];

export interface TracingResult {
  mode: BenchMode['name'];
  scenario: string;
  variant: TracingVariant;
  operations: number;
  medianMs: number;
  p99Ms: number;
  opsPerSecond: number;
  /** ops/s of the variant divided by ops/s of the untraced call. */
  ratioToUntraced: number;
}

/** Warm-up, then rounds in which each variant runs one slice, in an order that rotates, as the libraries are measured. */
export async function measureTracing(url: string, scenario: Scenario, mode: BenchMode, config: BenchConfig, turns: TurnCounter): Promise<TracingResult[]> {
  const db = connect({ url, pool: { max: mode.poolSize } });
  const traced = oursOn(db);
  const em = db.fork(); // what db.cams is bound to: the shared EntityManager of calls outside a transaction
  const untraced: BenchLibrary = { ...traced, getCam: (userId, camId) => camService.get(em, userId, camId) };
  const tracer = new DurationTracer();
  let subscribedOperations = 0;
  const slice = async (variant: TracingVariant, limits: SliceLimits) => {
    if (variant !== 'subscribed') return runSlice(variant === 'untraced' ? untraced : traced, scenario, mode, limits, turns);
    tracer.subscribe();
    try {
      const measured = await runSlice(traced, scenario, mode, limits, turns);
      subscribedOperations += measured.operations;
      return measured;
    } finally {
      tracer.unsubscribe();
    }
  };

  try {
    const warmup = Math.ceil(config.warmupOperations / mode.callers);
    for (const variant of TRACING_VARIANTS) await slice(variant, { millis: 0, minimumPerCaller: warmup, maximumPerCaller: warmup });
    const measured = new Map<TracingVariant, Measurement>(TRACING_VARIANTS.map((variant) => [variant, emptyMeasurement()]));
    for (let round = 0; round < config.rounds; round++) {
      for (let i = 0; i < TRACING_VARIANTS.length; i++) {
        const variant = TRACING_VARIANTS[(i + round) % TRACING_VARIANTS.length]!;
        merge(measured.get(variant)!, await slice(variant, { millis: config.sliceMillis, minimumPerCaller: 1, maximumPerCaller: Number.MAX_SAFE_INTEGER }));
      }
    }
    // The subscriber must have timed every call of its slices, and no other: otherwise it measured nothing.
    if (tracer.calls !== subscribedOperations || !Number.isFinite(tracer.totalMillis)) {
      throw new Error(`check failed: the subscriber timed ${tracer.calls} calls in ${subscribedOperations} subscribed operations`);
    }
    const opsPerSecond = (m: Measurement) => (m.operations / m.elapsedMillis) * 1000;
    const floor = opsPerSecond(measured.get('untraced')!);
    return [...measured].map(([variant, m]) => ({
      mode: mode.name,
      scenario: scenario.id,
      variant,
      operations: m.operations,
      medianMs: percentile(m.latenciesMillis, 0.5),
      p99Ms: percentile(m.latenciesMillis, 0.99),
      opsPerSecond: opsPerSecond(m),
      ratioToUntraced: opsPerSecond(m) / floor,
    }));
  } finally {
    await db.close();
  }
}

/** What a tracer does on every call: it notes when the call started and, when it ends, how long it took. */
class DurationTracer {
  calls = 0;
  totalMillis = 0;
  readonly #channel = tracingChannel<unknown, ServiceCallContext>(SERVICE_CALL_CHANNEL);
  readonly #started = new WeakMap<ServiceCallContext, number>();
  readonly #handlers: TracingChannelSubscribers<ServiceCallContext> = {
    start: (call) => void this.#started.set(call, performance.now()),
    end: () => {},
    asyncStart: () => {},
    error: () => {},
    asyncEnd: (call) => {
      this.calls++;
      this.totalMillis += performance.now() - (this.#started.get(call) ?? Number.NaN);
    },
  };

  subscribe(): void {
    this.#channel.subscribe(this.#handlers);
  }

  unsubscribe(): void {
    this.#channel.unsubscribe(this.#handlers);
  }
}
