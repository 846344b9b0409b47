/**
 * `npm run bench:failover`: writes and reads through the package while a real pg_auto_failover formation (a monitor
 * and two PostgreSQL 15 nodes with synchronous replication, from Debian's `postgresql-15-auto-failover`, installed
 * when missing and we are root) fails over: writes per second before, during and after, the time from the
 * `pg_autoctl perform …` command to the first write the package acknowledges on the new primary, and reads meanwhile.
 * Writes `bench/results/failover.md`; prints why and writes nothing where no formation can be had.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ConnectionError, connect, type ConnectOptions } from '../src/index.ts';
import { ensurePgAutoFailover, FailoverFormationUnavailable, startFailoverFormation, type FailoverFormation, type FormationNode } from '../test/support/failover-formation.ts';
import { rate, startLoad } from '../test/failover/load.ts';

const WRITERS = 4;
const READERS = 1;
const BEFORE_MILLIS = 3_000;
const AFTER_MILLIS = 3_000;
const TIMEOUTS = { connectTimeoutMillis: 2_000, acquireTimeoutMillis: 5_000, statementTimeoutMillis: 10_000 } as const;

interface Row {
  setup: string;
  action: 'failover' | 'switchover';
  writesBefore: number;
  writesDuring: number;
  writesAfter: number;
  readsBefore: number;
  readsDuring: number;
  readsAfter: number;
  /** Command → the new primary first takes a write of the formation's own probe (a plain pg connection to it). */
  writableMillis: number;
  /** Command → the first write the package acknowledged on the new primary. */
  firstWriteMillis: number;
  /** Command → the monitor reports both nodes settled. */
  settledMillis: number;
  /** The longest stretch without any acknowledged write, around the command. */
  longestGapMillis: number;
  failedWrites: string;
  failedReads: string;
  longestCallMillis: number;
  acknowledged: number;
  missing: number;
}

let pgAutoctl: string;
let formation: FailoverFormation;
try {
  pgAutoctl = await ensurePgAutoFailover();
  formation = await startFailoverFormation();
} catch (error) {
  if (!(error instanceof FailoverFormationUnavailable)) throw error;
  console.log(`bench:failover cannot run here: ${error.message}`);
  process.exit(0);
}

const rows: Row[] = [];
try {
  const [node1, node2] = formation.nodes;
  const setup = connect({ url: node1.url });
  await setup.migrate();
  await setup.close();
  const runs: [string, ConnectOptions, 'failover' | 'switchover'][] = [
    ['URL naming both nodes', { url: formation.multiHostUrl }, 'failover'],
    ['URL naming both nodes', { url: formation.multiHostUrl }, 'switchover'],
    ['first node + replica list', { url: node1.url, replicas: [node2.url], maxReplicaLagMillis: 2_000 }, 'failover'],
    ['first node + replica list', { url: node1.url, replicas: [node2.url], maxReplicaLagMillis: 2_000 }, 'switchover'],
    ['URL naming both nodes, failoverRetry', { url: formation.multiHostUrl, failoverRetry: { withinMillis: 15_000 } }, 'failover'],
    ['URL naming both nodes, failoverRetry', { url: formation.multiHostUrl, failoverRetry: { withinMillis: 15_000 } }, 'switchover'],
  ];
  for (const [index, [label, options, action]] of runs.entries()) {
    const row = await measure(label, options, action, index);
    rows.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  await formation.stop();
}
writeFileSync(new URL('results/failover.md', import.meta.url), report(rows));
console.log('written: bench/results/failover.md');

async function measure(setup: string, options: ConnectOptions, action: 'failover' | 'switchover', index: number): Promise<Row> {
  const db = connect({ ...options, ...TIMEOUTS, pool: { max: WRITERS + READERS + 1 } });
  try {
    const user = await db.users.upsert({ id: `bench_failover_${index}`, email: `bench.failover.${index}@example.com` });
    const load = startLoad(db, user.id, { writers: WRITERS, readers: READERS });
    const loadStarted = Date.now();
    await sleep(BEFORE_MILLIS);
    const result = await formation[action]();
    const settled = result.settledAt;
    await sleep(AFTER_MILLIS);
    const loadStopped = Date.now();
    const report = await load.stop();
    const acks = report.acks.map((ack) => ack.at).sort((a, b) => a - b);
    const newPrimary = `127.0.0.1:${result.newPrimary.port}`;
    const firstOnNew = Math.min(...report.acks.filter((ack) => ack.at >= result.startedAt && ack.host === newPrimary).map((ack) => ack.at));
    let longestGap = 0;
    for (let i = 1; i < acks.length; i++) longestGap = Math.max(longestGap, acks[i]! - acks[i - 1]!);
    const failures = (kind: 'read' | 'write') =>
      summarize(report.failures.filter((failure) => failure.kind === kind).map(({ error }) => (error instanceof ConnectionError ? `${error.reason}${error.retryable ? '' : ' (not retryable)'}` : `untyped: ${String(error)}`)));
    const present = await countProjects(result.newPrimary, report.acks.map((ack) => ack.id));
    return {
      setup,
      action,
      writesBefore: rate(acks, loadStarted + 500, result.startedAt),
      writesDuring: rate(acks, result.startedAt, settled),
      writesAfter: rate(acks, settled, loadStopped),
      readsBefore: rate(report.reads, loadStarted + 500, result.startedAt),
      readsDuring: rate(report.reads, result.startedAt, settled),
      readsAfter: rate(report.reads, settled, loadStopped),
      writableMillis: result.writableAt - result.startedAt,
      firstWriteMillis: firstOnNew - result.startedAt,
      settledMillis: settled - result.startedAt,
      longestGapMillis: longestGap,
      failedWrites: failures('write'),
      failedReads: failures('read'),
      longestCallMillis: report.longestCallMillis,
      acknowledged: report.acks.length,
      missing: report.acks.length - present,
    };
  } finally {
    await db.close();
  }
}

function summarize(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ') || 'none';
}

async function countProjects(node: FormationNode, ids: number[]): Promise<number> {
  const client = new pg.Client(node.url);
  await client.connect();
  try {
    const { rows: [row] } = await client.query<{ count: number }>('select count(*)::int as count from projects where id = any($1::int[])', [ids]);
    return row!.count;
  } finally {
    await client.end();
  }
}

function report(results: Row[]): string {
  const cpu = cpus();
  const version = execFileSync(pgAutoctl, ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  const n = (value: number) => value.toFixed(0);
  const lines = [
    '# Writes and reads through a failover',
    '',
    `Run of ${new Date().toISOString()}; ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores; PostgreSQL 15 (Debian) in a pg_auto_failover formation (${version}): a monitor and two nodes on 127.0.0.1, synchronous replication, fsync off.`,
    '',
    `\`npm run bench:failover\`: ${WRITERS} callers each creating projects one after another (\`db.projects.create\`, one INSERT) and ${READERS} reading a user (\`db.users.get\`) through one \`Database\` (pool of ${WRITERS + READERS + 1}, connectTimeoutMillis ${TIMEOUTS.connectTimeoutMillis}, acquireTimeoutMillis ${TIMEOUTS.acquireTimeoutMillis}, statementTimeoutMillis ${TIMEOUTS.statementTimeoutMillis}) for ${BEFORE_MILLIS / 1000} s, then \`pg_autoctl perform failover\` or \`perform switchover\` (the two run the same monitor function; the old primary is shut down, its sessions get 57P01, and it comes back as a standby), then ${AFTER_MILLIS / 1000} s after the monitor reports both nodes settled. One formation, the runs in this order, so each one switches the primary back to the other node. A caller that fails waits 20 ms before its next call.`,
    '',
    '"Before" is from 0.5 s after the start to the command, "during" from the command to the monitor reporting both nodes settled, "after" the rest. "New primary writable" is when the formation\'s own probe (a plain `pg` connection to the new primary, retrying every 20 ms) first committed a write; "first write" when the package first acknowledged a write on the new primary (the host `db.primaryStatus()` named when the call returned). Every acknowledged write was looked for on the new primary afterwards.',
    '',
    '## Writes and reads per second, and times from the command',
    '',
    '| setup | action | writes/s before | during | after | reads/s before | during | after | new primary writable, ms | first write, ms | settled, ms | longest gap between writes, ms | longest call, ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((row) =>
      `| ${row.setup} | ${row.action} | ${n(row.writesBefore)} | ${n(row.writesDuring)} | ${n(row.writesAfter)} | ${n(row.readsBefore)} | ${n(row.readsDuring)} | ${n(row.readsAfter)} | ${row.writableMillis} | ${row.firstWriteMillis} | ${row.settledMillis} | ${row.longestGapMillis} | ${n(row.longestCallMillis)} |`,
    ),
    '',
    '## What failed, by `ConnectionError.reason`, and what was kept',
    '',
    '| setup | action | failed writes | failed reads | writes acknowledged | missing afterwards |',
    '| --- | --- | --- | --- | ---: | ---: |',
    ...results.map((row) => `| ${row.setup} | ${row.action} | ${row.failedWrites} | ${row.failedReads} | ${row.acknowledged} | ${row.missing} |`),
    '',
  ];
  return lines.join('\n');
}
