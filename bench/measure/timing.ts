import { performance } from 'node:perf_hooks';
import type { BenchMode } from '../config.ts';
import type { AnyLibrary } from '../libraries/library.ts';
import { runScenario, type Scenario } from '../scenarios.ts';

/** Everything timed for one library in one scenario and mode, summed over its slices. */
export interface Measurement {
  latenciesMillis: number[];
  operations: number;
  /** Wall time of the slices: with concurrent callers, from the first start to the last finish of each slice. */
  elapsedMillis: number;
  /** Each measured slice on its own, in round order: how much a figure moves from one round to the next. */
  slices: { operations: number; elapsedMillis: number }[];
}

/**
 * Where each caller of each library is in a scenario's inputs. Carried across slices so each operation takes the
 * next pick; every library walks the same sequence.
 */
export class TurnCounter {
  readonly #next = new Map<string, number>();

  take(library: string, scenario: string, caller: number): number {
    const key = `${library}/${scenario}/${caller}`;
    const iteration = this.#next.get(key) ?? 0;
    this.#next.set(key, iteration + 1);
    return iteration;
  }
}

export interface SliceLimits {
  /** Callers stop starting operations after this long (each runs at least `minimumPerCaller`). */
  millis: number;
  minimumPerCaller: number;
  /** Callers stop after this many operations each, whatever the time. */
  maximumPerCaller: number;
}

/**
 * Runs the scenario with `mode.callers` concurrent callers until the limits say stop. Each result is checked right
 * after its latency is taken, so the check costs no latency but a failure stops the run.
 */
export async function runSlice(library: AnyLibrary, scenario: Scenario, mode: BenchMode, limits: SliceLimits, turns: TurnCounter): Promise<Measurement> {
  collectGarbage();
  const latenciesMillis: number[] = [];
  const started = performance.now();
  const deadline = started + limits.millis;
  const caller = async (index: number) => {
    for (let done = 0; done < limits.maximumPerCaller && (done < limits.minimumPerCaller || performance.now() < deadline); done++) {
      const turn = { caller: index, iteration: turns.take(library.name, scenario.id, index) };
      const before = performance.now();
      const result = await runScenario(scenario, library, turn);
      latenciesMillis.push(performance.now() - before);
      scenario.check(result, turn);
    }
  };
  await Promise.all(Array.from({ length: mode.callers }, (_, index) => caller(index)));
  const elapsedMillis = performance.now() - started;
  await scenario.afterSlice?.(latenciesMillis.length);
  return { latenciesMillis, operations: latenciesMillis.length, elapsedMillis, slices: [{ operations: latenciesMillis.length, elapsedMillis }] };
}

/**
 * A full garbage collection before each slice, untimed, so no slice pays for garbage an earlier one left. The order of
 * the libraries rotates, but each keeps its neighbours: without this, the library that follows a heavy allocator (an
 * ORM that hydrates a thousand entities) paid for that allocator's garbage in every round, a major collection of
 * a heap it did not fill landing in its slice.
 */
function collectGarbage(): void {
  if (typeof globalThis.gc !== 'function') throw new Error('the benchmark needs node --expose-gc (npm run bench passes it)');
  globalThis.gc();
}

export function emptyMeasurement(): Measurement {
  return { latenciesMillis: [], operations: 0, elapsedMillis: 0, slices: [] };
}

export function merge(into: Measurement, slice: Measurement): void {
  into.latenciesMillis.push(...slice.latenciesMillis);
  into.operations += slice.operations;
  into.elapsedMillis += slice.elapsedMillis;
  into.slices.push(...slice.slices);
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}
