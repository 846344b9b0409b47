import { percentile } from '../measure/timing.ts';
import { LIBRARY_NAMES, type LibraryName } from '../libraries/library.ts';
import type { ReplicaResult } from '../measure/replicas.ts';
import type { TracingResult } from '../measure/tracing.ts';
import type { BenchResults, ScenarioResult } from './results.ts';

export const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
export const milliseconds = (value: number) => fixed(value, value < 10 ? 2 : value < 100 ? 1 : 0);
export const rate = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : fixed(value, 1));

/** `bench/results/latest.md`: what was run, on what, and a table per mode. */
export function renderMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  const push = (...text: string[]) => lines.push(...text);
  push(
    '# Benchmark results',
    '',
    `${results.run === 'quick' ? 'Quick run (`--quick`)' : 'Full run'}${results.scenarioPrefix === undefined ? '' : ` of the scenarios \`${results.scenarioPrefix}*\``} of ${results.date}, ${Math.round(results.durationSeconds)} s. ` +
      `Data: ${results.data.users.toLocaleString('en-US')} users, ${results.data.projects.toLocaleString('en-US')} projects, ` +
      `${results.data.cams.toLocaleString('en-US')} cams with 360-point profiles (seeded in ${results.data.seedSeconds.toFixed(0)} s).`,
    '',
    machineSentence(results),
    '',
    versionsSentence(results),
    '',
  );
  for (const [name, reason] of results.unavailable.map((u) => [u.name, u.reason])) push(`**${name} did not run:** ${reason}`, '');
  push('## How it was measured', '');
  for (const [topic, text] of Object.entries(results.method)) push(`- **${topic}**: ${text}`);
  push('');

  for (const mode of results.modes) {
    const rows = results.results.filter((row) => row.mode === mode.name);
    push(`## ${mode.title}`, '', '× raw pg = ops/s of the library ÷ ops/s of raw pg (higher is faster; 1 is the floor).', '');
    push(ratioMatrix(rows, (row) => row.ratioToRawPg), '');
    const bulk = rows.filter((row) => Number.isFinite(row.timeToCopy));
    if (bulk.length > 0) {
      push('Bulk scenarios: × COPY = time per operation of the library ÷ that of COPY (ops/s of COPY ÷ ops/s of the library; lower is faster; 1 is the physical limit).', '');
      push(ratioMatrix(bulk, (row) => row.timeToCopy), '');
    }
    push(
      'Rounds: the lowest and highest ratio to raw pg of one round on its own (the library\'s slice against raw pg\'s slice of the same round), which shows how far a ratio moves from round to round.',
      '',
    );
    push('µs over raw pg: time per operation of the library minus raw pg\'s in the same round, the median over the rounds.', '');
    push(
      '| scenario | library | median ms | p99 ms | ops/s | × raw pg | rounds | µs over raw pg | × COPY | statements/op | n |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const row of rows) {
      const rounds = row.roundRatiosToRawPg.length ? `${fixed(Math.min(...row.roundRatiosToRawPg), 2)}–${fixed(Math.max(...row.roundRatiosToRawPg), 2)}` : '–';
      const over = row.microsOverRawPgByRound?.length && row.library !== 'raw-pg' ? fixed(percentile(row.microsOverRawPgByRound, 0.5), 0) : '–';
      push(
        `| ${row.group}. ${row.title} | ${row.library} | ${milliseconds(row.medianMs)} | ${milliseconds(row.p99Ms)} | ${rate(row.opsPerSecond)} | ` +
          `${fixed(row.ratioToRawPg, 2)} | ${rounds} | ${over} | ${fixed(row.timeToCopy, 2)} | ${row.statementsPerOperation} | ${row.operations} |`,
      );
    }
    push('');
  }

  push('## Read replicas', '');
  if ('unavailable' in results.replicas) {
    push(`Not measured: ${results.replicas.unavailable}`, '');
  } else {
    push(
      'Ours alone, 8 callers reading a project with its cams; both servers on this machine, so the replica adds no CPU: this shows the cost of routing, not the gain of a second machine.',
      '',
      replicaTable(results.replicas),
      '',
    );
  }

  push(
    '## Cost of tracing',
    '',
    'Ours alone: the service function called directly (untraced), the traced call with nobody subscribed to its channel, and with a subscriber that times every call. ' +
      '× untraced = ops/s of the variant ÷ ops/s of the untraced call.',
    '',
  );
  push(tracingTable(results.tracing), '');

  push(
    '## Peak memory of the bulk scenarios',
    '',
    'Each library and scenario in a child process of its own: loaded, connected, garbage-collected, peak reset; then the operations. ' +
      'Peak = `process.resourceUsage().maxRSS` afterwards; peak − before = what the operations added to the resident set.',
    '',
  );
  push('| scenario | library | operations | RSS before, MiB | peak RSS, MiB | peak − before, MiB |', '| --- | --- | ---: | ---: | ---: | ---: |');
  for (const row of results.memory) {
    const peak = `${fixed(row.peakRssMb, 0)}${row.peakReset ? '' : ' (includes start-up)'}`;
    push(`| ${row.scenario} | ${row.library} | ${row.operations} | ${fixed(row.baselineRssMb, 0)} | ${peak} | ${fixed(row.peakRssMb - row.baselineRssMb, 0)} |`);
  }
  push('');
  return lines.join('\n');
}

/** The machine and the server the run measured on. */
export function machineSentence(results: BenchResults): string {
  const settings = Object.entries(results.postgres.settings)
    .filter(([name]) => name !== 'server_version')
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return (
    `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, ${results.machine.os}; Node ${results.machine.node}; ` +
    `PostgreSQL ${results.postgres.version} (${results.postgres.source}; ${settings}), same machine, over loopback.`
  );
}

export function versionsSentence(results: BenchResults): string {
  return `Versions: ${Object.entries(results.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')}.`;
}

export function replicaTable(replicas: ReplicaResult[]): string {
  return [
    '| setup | reads/s | median | p99 | reads |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...replicas.map((row) => `| ${row.setup} | ${rate(row.opsPerSecond)} | ${milliseconds(row.medianMs)} | ${milliseconds(row.p99Ms)} | ${row.operations} |`),
  ].join('\n');
}

export function tracingTable(tracing: TracingResult[]): string {
  return [
    '| mode | scenario | variant | median ms | p99 ms | ops/s | × untraced | n |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...tracing.map(
      (row) =>
        `| ${row.mode} | ${row.scenario} | ${row.variant} | ${milliseconds(row.medianMs)} | ${milliseconds(row.p99Ms)} | ${rate(row.opsPerSecond)} | ${fixed(row.ratioToUntraced, 3)} | ${row.operations} |`,
    ),
  ].join('\n');
}

/**
 * Scenarios down, libraries across: a ratio at a glance. Rows of several modes share a cell, one figure per mode in
 * the order of the rows (`0.82 / 0.92`); a scenario a mode did not run has a figure of the other alone.
 */
export function ratioMatrix(
  rows: ScenarioResult[],
  ratioOf: (row: ScenarioResult) => number,
  libraries: readonly LibraryName[] = LIBRARY_NAMES.filter((name) => rows.some((row) => row.library === name)),
): string {
  const modes = [...new Set(rows.map((row) => row.mode))];
  const scenarios = [...new Map(rows.map((row) => [row.scenario, row])).values()];
  const header = `| scenario | ${libraries.join(' | ')} |\n| --- |${libraries.map(() => ' ---: |').join('')}`;
  const body = scenarios.map((scenario) => {
    const cells = libraries.map((library) => {
      const figures = modes.flatMap((mode) => {
        const row = rows.find((r) => r.scenario === scenario.scenario && r.library === library && r.mode === mode);
        return row ? [fixed(ratioOf(row), 2)] : [];
      });
      return figures.length > 0 ? figures.join(' / ') : '–';
    });
    return `| ${scenario.group}. ${scenario.title} | ${cells.join(' | ')} |`;
  });
  return [header, ...body].join('\n');
}
