// `npm run bench [-- --quick]`: every library, every scenario, both modes, on one fresh PostgreSQL database.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { configFromArguments, MODES, type BenchConfig, type BenchMode } from './config.ts';
import { seed, type BenchData } from './data/seed.ts';
import { makeWriteInputs } from './data/write-inputs.ts';
import { firstCall, openLibraries } from './libraries/index.ts';
import { LIBRARY_NAMES, runsBulkScenarios, type AnyLibrary, type LibraryName } from './libraries/library.ts';
import { measureMemory, type MemoryMeasurement } from './measure/memory.ts';
import { measureReplicas } from './measure/replicas.ts';
import { measureTracing, type TracingResult } from './measure/tracing.ts';
import { emptyMeasurement, merge, percentile, runSlice, TurnCounter, type Measurement } from './measure/timing.ts';
import { verify, type Verification } from './measure/verify.ts';
import { createBenchDatabase } from './postgres.ts';
import { describeMachine, installedVersions } from './report/machine.ts';
import { renderMarkdown } from './report/markdown.ts';
import { PERFORMANCE_PAGE, renderPerformancePage } from './report/performance.ts';
import type { BenchResults, ScenarioResult } from './report/results.ts';
import { renderRatioChart } from './report/svg.ts';
import { defineScenarios, librariesOf, type Scenario } from './scenarios.ts';

const RESULTS_DIR = new URL('./results/', import.meta.url);
/** The hot call whose cost of tracing is measured. */
const TRACING_SCENARIO = 'get-cam';
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

const started = performance.now();
const args = process.argv.slice(2);
const config = configFromArguments(args);
log(
  `${config.quick ? 'quick' : 'full'} run: ${config.users.toLocaleString('en-US')} users, ${config.rounds} rounds of ${config.sliceMillis} ms slices` +
    (config.scenarioPrefix === undefined ? '' : `, only the scenarios ${config.scenarioPrefix}*`),
);
const database = await createBenchDatabase();
log(`PostgreSQL ${database.serverVersion} from ${database.source}, migrated with the package's migrate()`);
const admin = new pg.Pool({ connectionString: database.url, max: 2 });
try {
  const seedStarted = performance.now();
  const data = await seed(database.url, config);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  log(`seeded ${data.counts.users} users, ${data.counts.projects} projects, ${data.counts.cams} cams in ${seedSeconds.toFixed(1)} s`);
  const scenarios = defineScenarios({ config, data, inputs: makeWriteInputs(config, data), admin });

  const results: ScenarioResult[] = [];
  const tracing: TracingResult[] = [];
  let verification: Verification | undefined;
  let unavailable: BenchResults['unavailable'] = [];
  const turns = new TurnCounter();
  for (const mode of MODES) {
    const opened = await openLibraries(LIBRARY_NAMES, { url: database.url, poolSize: mode.poolSize, grantedUrl: database.grantedUrl }, firstCall(data));
    unavailable = opened.unavailable;
    for (const { name, reason } of unavailable) log(`${name} cannot run here: ${reason}`);
    try {
      if (!verification) {
        verification = await verify(opened.libraries, scenarios);
        log('every library returns the same DTOs as ours; statements counted');
      }
      for (const scenario of scenarios.filter((one) => one.modes?.includes(mode.name) ?? true)) {
        const measured = await measureScenario(librariesOf(scenario, opened.libraries), scenario, mode, config, turns);
        results.push(...summarize(measured, scenario, mode, verification));
        log(`${mode.name} ${scenario.id}: ${[...measured].map(([name, m]) => `${name} ${percentile(m.latenciesMillis, 0.5).toFixed(2)} ms`).join(', ')}`);
      }
    } finally {
      for (const library of opened.libraries) await library.close();
    }
    const tracedScenario = scenarios.find((scenario) => scenario.id === TRACING_SCENARIO);
    if (tracedScenario) {
      const costs = await measureTracing(database.url, tracedScenario, mode, config, turns);
      tracing.push(...costs);
      log(`${mode.name} tracing of ${TRACING_SCENARIO}: ${costs.map((m) => `${m.variant} ${m.medianMs.toFixed(3)} ms ${m.ratioToUntraced.toFixed(3)}×`).join(', ')}`);
    }
  }

  const replicas = config.scenarioPrefix === undefined ? await measureReplicas(config, log) : { unavailable: 'not part of a run of some scenarios (--scenario)' };
  log('unavailable' in replicas ? `replicas not measured: ${replicas.unavailable}` : `replicas: ${replicas.map((r) => `${r.setup} ${r.opsPerSecond.toFixed(0)} reads/s`).join(', ')}`);
  // Ours under row-level security runs the code of ours: its memory is ours'.
  const memory = await measureBulkMemory(
    scenarios,
    data,
    LIBRARY_NAMES.filter((name) => runsBulkScenarios(name) && name !== 'ours-granted' && !unavailable.some((u) => u.name === name)),
  );
  const report: BenchResults = {
    date: new Date().toISOString(),
    run: config.quick ? 'quick' : 'full',
    scenarioPrefix: config.scenarioPrefix,
    durationSeconds: (performance.now() - started) / 1000,
    machine: describeMachine(),
    postgres: { version: database.serverVersion, source: database.source, settings: database.settings },
    versions: installedVersions(),
    data: { ...data.counts, seedSeconds },
    modes: MODES.map(({ name, title, poolSize, callers }) => ({ name, title, poolSize, callers })),
    method: method(config),
    unavailable,
    results,
    memory,
    replicas,
    tracing,
    statementTexts: verification!.statementTexts,
  };
  await writeReports(report);
  log(`done: bench/results/${baseName(report)}.{json,md} and ratios chart${baseName(report) === 'latest' ? ', docs/performance.md' : ''}`);
} finally {
  await admin.end();
  await database.drop();
}

/** Warm-up, then rounds in which every library gets one slice, in an order that rotates from round to round. */
async function measureScenario(libraries: AnyLibrary[], scenario: Scenario, mode: BenchMode, config: BenchConfig, turns: TurnCounter) {
  const measured = new Map<LibraryName, Measurement>(libraries.map((library) => [library.name, emptyMeasurement()]));
  // Every slice lasts `sliceMillis` per caller, at least one operation: a bulk operation of a second or more is one
  // per caller, one of 100 cams several, so no scenario is judged on a handful of samples. Bulk scenarios have fewer
  // rounds and no warm-up of their own (the untimed verification pass has run each of them once in this process
  // already, so the code is compiled and hot).
  const limits = { millis: config.sliceMillis, minimumPerCaller: 1, maximumPerCaller: Number.MAX_SAFE_INTEGER };
  if (!scenario.bulk) {
    // Enough operations to open every connection of the pool and compile the library's hot paths.
    const perCaller = Math.ceil(config.warmupOperations / mode.callers);
    for (const library of libraries) await runSlice(library, scenario, mode, { millis: 0, minimumPerCaller: perCaller, maximumPerCaller: perCaller }, turns);
  }
  const rounds = scenario.bulk ? config.bulkRounds : config.rounds;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < libraries.length; i++) {
      const library = libraries[(i + round) % libraries.length]!;
      merge(measured.get(library.name)!, await runSlice(library, scenario, mode, limits, turns));
    }
  }
  return measured;
}

function summarize(measured: Map<LibraryName, Measurement>, scenario: Scenario, mode: BenchMode, verification: Verification): ScenarioResult[] {
  const opsPerSecond = (m: Pick<Measurement, 'operations' | 'elapsedMillis'>) => (m.operations / m.elapsedMillis) * 1000;
  const floor = measured.get('raw-pg');
  const copy = measured.get('copy');
  return [...measured].map(([library, m]) => ({
    mode: mode.name,
    scenario: scenario.id,
    group: scenario.group,
    title: scenario.title,
    library,
    operations: m.operations,
    medianMs: percentile(m.latenciesMillis, 0.5),
    p99Ms: percentile(m.latenciesMillis, 0.99),
    opsPerSecond: opsPerSecond(m),
    ratioToRawPg: floor ? opsPerSecond(m) / opsPerSecond(floor) : Number.NaN,
    timeToCopy: copy ? opsPerSecond(copy) / opsPerSecond(m) : Number.NaN,
    roundRatiosToRawPg: floor ? m.slices.map((slice, round) => opsPerSecond(slice) / opsPerSecond(floor.slices[round]!)) : [],
    microsOverRawPgByRound: floor ? m.slices.map((slice, round) => 1_000_000 * (1 / opsPerSecond(slice) - 1 / opsPerSecond(floor.slices[round]!))) : [],
    statementsPerOperation: verification.statements[scenario.id]?.[library] ?? Number.NaN,
  }));
}

async function measureBulkMemory(scenarios: Scenario[], data: BenchData, libraries: LibraryName[]): Promise<MemoryMeasurement[]> {
  const dataFile = join(tmpdir(), `enginecampro-bench-${process.pid}.json`);
  await writeFile(dataFile, JSON.stringify(data));
  const memory: MemoryMeasurement[] = [];
  try {
    for (const scenario of scenarios.filter((s) => s.bulk)) {
      // Two children at a time: resident memory is each process's own, and the machine has two cores.
      for (let i = 0; i < libraries.length; i += 2) {
        const measured = await Promise.all(
          libraries.slice(i, i + 2).map((library) => measureMemory({ url: database.url, operations: config.memoryOperations, arguments: args, dataFile }, scenario, library)),
        );
        await scenario.afterSlice?.(measured.length * config.memoryOperations);
        for (const measurement of measured) {
          memory.push(measurement);
          log(`memory ${scenario.id} ${measurement.library}: peak ${measurement.peakRssMb.toFixed(0)} MiB (${measurement.baselineRssMb.toFixed(0)} MiB before)`);
        }
      }
    }
  } finally {
    await rm(dataFile, { force: true });
  }
  return memory;
}

function method(config: BenchConfig): Record<string, string> {
  return {
    interleaving:
      `one process; per scenario every library warms up (${config.warmupOperations} operations; bulk ones already ran in the verification pass), then ${config.rounds} rounds (bulk: ${config.bulkRounds}) ` +
      `in which each library runs one slice, the order rotating each round, so drift of the machine hits all alike`,
    slices:
      `a slice runs the scenario for ${config.sliceMillis} ms per caller (at least one operation), bulk scenarios too (one operation per caller when it takes longer); ` +
      'a full garbage collection (untimed) comes before every slice, so no slice pays for garbage an earlier library left',
    'ops/s': 'operations of all slices ÷ wall time of all slices (with 8 callers, from the first start to the last finish of each slice)',
    noise:
      'raw pg runs twice in the single-call scenarios, the second time as raw-pg-again on a pool of its own, in its own place in the rotation: ' +
      'the same code, so its ratio to raw pg is how far two measurements of one thing differ in this run',
    latency: 'per operation, from the call to the returned DTO; median and p99 by nearest rank',
    checks:
      'every result is checked after its latency is taken (ids, counts, profiles, versions); after each write slice the database is counted ' +
      '(projects, cams written) and the writes are undone, untimed',
    equivalence:
      "before timing, one operation per scenario and library is compared with ours: reads value for value (timestamps to the millisecond, since a JS Date holds no more), writes key for key",
    statements: 'counted in that untimed pass by wrapping pg.Client.prototype.query, which every library here goes through; BEGIN and COMMIT count',
    memory:
      `each bulk scenario of each library in a child process of its own: load, connect, one small query, gc, reset the peak RSS ` +
      `(Linux /proc/self/clear_refs), then ${config.memoryOperations} operation(s); peak = process.resourceUsage().maxRSS at the end`,
    replicas:
      `ours alone, on an embedded primary and a streaming replica of its own (fsync off on both): db.projects.get(…, { withCams: true }) by 8 callers, ` +
      `a pool of 4 per server, primary alone against primary + replica (reads go to the replica), ${config.rounds} rounds of ${config.sliceMillis * 4} ms each, alternating`,
    tracing:
      `ours alone, on a pool of its own, in ${TRACING_SCENARIO}: the service function called directly (untraced, as before tracing), the traced call with nobody subscribed, and with a ` +
      `subscriber on all five events that times each call (a start time in a WeakMap, a duration at asyncEnd); the same warm-up, ${config.rounds} rounds and rotation as the libraries`,
    timestamps: 'the ORMs hand back JS Dates, so their DTO timestamps end in 000 microseconds; ours and raw pg format them in SQL',
  };
}

function baseName(report: BenchResults) {
  // A quick or partial run must not overwrite the committed full results.
  return report.run === 'full' && report.scenarioPrefix === undefined ? 'latest' : 'quick';
}

async function writeReports(report: BenchResults) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const name = baseName(report);
  await writeFile(new URL(`${name}.json`, RESULTS_DIR), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(new URL(`${name}.md`, RESULTS_DIR), renderMarkdown(report));
  await writeFile(new URL(name === 'latest' ? 'ratios.svg' : 'quick-ratios.svg', RESULTS_DIR), renderRatioChart(report));
  // The documentation quotes the committed full run alone.
  if (name === 'latest') await writeFile(PERFORMANCE_PAGE, renderPerformancePage(report, 'bench/results/latest.json'));
}
