import type { Machine } from '../report/machine.ts';
import type { EndUserRead } from './end-users.ts';
import type { StatementPlan } from './plans.ts';

export interface SizeResult {
  cams: number;
  projects: number;
  users: number;
  loadSeconds: number;
  databaseBytes: number;
  calls: {
    name: string;
    medianMillis: number;
    /** The median of each timed round, in round order; rounds alternate between the sizes. */
    roundMedians: number[];
    statements: StatementPlan[];
  }[];
  /** "My projects with their cams" through Supabase's Data API, under the end-user policies. */
  endUserReads: EndUserRead[];
}

export interface ScaleResults {
  date: string;
  seconds: number;
  machine: Machine;
  serverVersion: string;
  serverSource: string;
  sizes: SizeResult[];
}

const count = (value: number) => value.toLocaleString('en-US');
const buffersOf = (call: SizeResult['calls'][number]) => call.statements.reduce((sum, statement) => sum + statement.buffers, 0);
const seqScansOf = (call: SizeResult['calls'][number]) => [...new Set(call.statements.flatMap((statement) => statement.seqScans))];

/** The committed report: per call, its median at each size, the growth from the smallest to the largest, and buffers. */
export function renderScaleReport(results: ScaleResults): string {
  const { sizes } = results;
  const smallest = sizes[0]!;
  const largest = sizes.at(-1)!;
  const lines = [
    '# Scale benchmark',
    '',
    `Run of ${results.date}, ${results.seconds.toFixed(0)} s. Machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, ${results.machine.os}; Node ${results.machine.node}; PostgreSQL ${results.serverVersion} (${results.serverSource}), same machine, over loopback.`,
    '',
    'Each size is a fresh database filled with SQL (`bench/scale/load.ts`): three projects per user and ten cams per three projects, every user\'s and project\'s rows spread evenly over the table; plus a heavy user with 1,000 projects, one of which holds 1,000 cams, equally spread. Every size is loaded first (then a `checkpoint`, so no write-out of the load runs while calls are timed) and stays up. Each call runs on one connection per size: warmed up (reads: 20 calls per size), then timed in 5 rounds, in each of which every size runs a fifth of its calls, the sizes taking turns call by call in rotating order, so drift of the machine, even a stall of a few calls, hits all sizes alike. The median of all timed calls is reported; \"growth by round\" is the lowest and highest growth computed from the medians of one round alone, which shows how far the figure moves with noise. Its statements were caught at the driver and run under `explain (analyze, buffers)` in a rolled-back transaction, twice on one connection: buffers are the shared blocks hit or read by the second execution (the first also fills the catalog caches of the new session).',
    '',
    '| size | users | projects | cams | load | database |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...sizes.map((size) => `| ${count(size.cams)} cams | ${count(size.users)} | ${count(size.projects)} | ${count(size.cams)} | ${size.loadSeconds.toFixed(0)} s | ${(size.databaseBytes / 2 ** 30).toFixed(2)} GiB |`),
    '',
    `## Growth from ${count(smallest.cams)} to ${count(largest.cams)} cams`,
    '',
    `| call | statements | ${sizes.map((size) => `median ms at ${count(size.cams)}`).join(' | ')} | growth | growth by round | ${sizes.map((size) => `buffers at ${count(size.cams)}`).join(' | ')} | sequential scans |`,
    `| --- | ---: | ${sizes.map(() => '---:').join(' | ')} | ---: | ---: | ${sizes.map(() => '---:').join(' | ')} | --- |`,
  ];
  for (const [index, call] of smallest.calls.entries()) {
    const row = sizes.map((size) => size.calls[index]!);
    const growth = row.at(-1)!.medianMillis / row[0]!.medianMillis;
    const byRound = row[0]!.roundMedians.map((smallestMedian, round) => row.at(-1)!.roundMedians[round]! / smallestMedian);
    const scans = [...new Set(row.flatMap(seqScansOf))];
    lines.push(
      `| ${call.name} | ${call.statements.length} | ${row.map((entry) => entry.medianMillis.toFixed(2)).join(' | ')} | ${growth.toFixed(2)}x | ${Math.min(...byRound).toFixed(2)}–${Math.max(...byRound).toFixed(2)}x | ${row.map((entry) => count(buffersOf(entry))).join(' | ')} | ${scans.length ? scans.join(', ') : 'none'} |`,
    );
  }
  lines.push('', `## Plans at ${count(largest.cams)} cams`, '');
  for (const call of largest.calls) {
    lines.push(`- **${call.name}**: ${call.statements.map((statement) => statement.nodes.join(' > ')).join('; ')}`);
  }
  lines.push(
    '',
    '## End users through the Data API',
    '',
    "\"My projects with their cams\" read by a signed-in end user with end-user access on (`migrate({ endUsers: {} })`): the statement PostgREST 12 builds for `supabase.from('projects').select('id, name, cams(id, name, lift, duration)')` (`bench/scale/end-users.ts`), which names no user, run as PostgREST runs a request: `set local role authenticated` and the JWT's claims in `request.jwt.claims`, in a transaction rolled back. Timed are all five round trips of a request (begin, role, claims, the statement, the end), 300 times per user and size in 5 rounds; buffers and plan of the statement alone, from its second execution.",
    '',
    `| user | projects read | ${sizes.map((size) => `median ms at ${count(size.cams)}`).join(' | ')} | growth | growth by round | ${sizes.map((size) => `buffers at ${count(size.cams)}`).join(' | ')} | sequential scans |`,
    `| --- | ---: | ${sizes.map(() => '---:').join(' | ')} | ---: | ---: | ${sizes.map(() => '---:').join(' | ')} | --- |`,
  );
  for (const [index, read] of smallest.endUserReads.entries()) {
    const row = sizes.map((size) => size.endUserReads[index]!);
    const growth = row.at(-1)!.medianMillis / row[0]!.medianMillis;
    const byRound = row[0]!.roundMedians.map((smallestMedian, round) => row.at(-1)!.roundMedians[round]! / smallestMedian);
    const scans = [...new Set(row.flatMap((entry) => entry.seqScans))];
    lines.push(
      `| ${read.user} | ${row.map((entry) => count(entry.projects)).join(' / ')} | ${row.map((entry) => entry.medianMillis.toFixed(2)).join(' | ')} | ${growth.toFixed(2)}x | ${Math.min(...byRound).toFixed(2)}–${Math.max(...byRound).toFixed(2)}x | ${row.map((entry) => count(entry.buffers)).join(' | ')} | ${scans.length ? scans.join(', ') : 'none'} |`,
    );
  }
  lines.push('', `Plans at ${count(largest.cams)} cams:`, '');
  for (const read of largest.endUserReads) lines.push(`- **${read.user}**: ${read.nodes.join(' > ')}`);
  lines.push('');
  return lines.join('\n');
}
