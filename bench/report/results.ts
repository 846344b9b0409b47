import type { LibraryName } from '../libraries/library.ts';
import type { MemoryMeasurement } from '../measure/memory.ts';
import type { ReplicaResult } from '../measure/replicas.ts';
import type { TracingResult } from '../measure/tracing.ts';
import type { Machine } from './machine.ts';

export interface ScenarioResult {
  mode: 'sequential' | 'concurrent';
  scenario: string;
  group: number;
  title: string;
  library: LibraryName;
  operations: number;
  medianMs: number;
  p99Ms: number;
  opsPerSecond: number;
  /** ops/s of the library divided by ops/s of raw pg in the same scenario and mode. */
  ratioToRawPg: number;
  /** The ratio to raw pg of each round on its own (the library's slice against raw pg's slice of the same round). */
  roundRatiosToRawPg: number[];
  /**
   * The library's time per operation minus raw pg's, in µs, round by round (each slice against raw pg's slice of the
   * same round): for the package, its own cost per call. Absent from results of runs before it was measured.
   */
  microsOverRawPgByRound?: number[];
  /** The library's time per operation as a multiple of COPY's (ops/s of COPY ÷ ops/s of the library); bulk scenarios only. */
  timeToCopy: number;
  statementsPerOperation: number;
}

export interface BenchResults {
  date: string;
  run: 'quick' | 'full';
  /** Set when only the scenarios whose id starts with it ran (`--scenario`). */
  scenarioPrefix?: string | undefined;
  durationSeconds: number;
  machine: Machine;
  postgres: { version: string; source: string; settings: Record<string, string> };
  versions: Record<string, string>;
  data: { users: number; projects: number; cams: number; seedSeconds: number };
  modes: { name: string; title: string; poolSize: number; callers: number }[];
  method: Record<string, string>;
  unavailable: { name: LibraryName; reason: string }[];
  results: ScenarioResult[];
  memory: MemoryMeasurement[];
  /** Ours alone: read throughput against a primary alone and against a primary with one streaming replica. */
  replicas: ReplicaResult[] | { unavailable: string };
  /** A hot call untraced, traced with nobody subscribed, and traced with a subscriber. */
  tracing: TracingResult[];
  /** The statements each library sent for one operation, for whoever wants to see why a number is what it is. */
  statementTexts: Record<string, Partial<Record<LibraryName, string[]>>>;
}
