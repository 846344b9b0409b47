/**
 * Failovers of a real pg_auto_failover formation (a monitor, a primary and its synchronous standby, PostgreSQL 15 from
 * Debian's `postgresql-15-auto-failover`) under write and read load: `pg_autoctl perform failover` and `perform
 * switchover`, back and forth, with the URL naming both nodes and with the URL naming only the first node plus the
 * replica list; then a stopped node. One formation serves the whole file (it takes 15-20 s to create).
 *
 * It runs when TEST_FAILOVER=1 (`.ci/run` sets it, after installing the package as root when it is missing), and is
 * skipped, saying why, when no formation can be had here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ConnectionError, connect, type ConnectOptions, type Database } from '../../src/index.ts';
import { FailoverFormationUnavailable, startFailoverFormation, type FailoverFormation, type FailoverResult, type FormationNode } from '../support/failover-formation.ts';
import { rate, startLoad, type LoadReport } from './load.ts';

/** Writes resume on the new primary within this long of the `pg_autoctl perform …` command. */
const RESUME_BOUND_MILLIS = 15_000;
/** Bounds every call during the switch: no call may take longer than this. */
const TIMEOUTS = { connectTimeoutMillis: 2_000, acquireTimeoutMillis: 5_000, statementTimeoutMillis: 10_000 } as const;
const CALL_BOUND_MILLIS = 15_000;
const FAILOVER_FAULTS = new Set(['read-only', 'terminated', 'lost', 'unreachable', 'connect-timeout', 'unavailable']);

let formation: FailoverFormation | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  if (!process.env.TEST_FAILOVER) {
    unavailable = 'set TEST_FAILOVER=1 to run the failover tests on a pg_auto_failover formation (.ci/run does)';
    return;
  }
  try {
    formation = await startFailoverFormation();
  } catch (error) {
    if (!(error instanceof FailoverFormationUnavailable)) throw error;
    unavailable = error.message;
    console.log(`skipped: a pg_auto_failover formation cannot be had here: ${error.message}`);
    return;
  }
  const setup = connect({ url: formation.nodes[0].url });
  await setup.migrate();
  await setup.close();
}, 180_000);

afterAll(async () => {
  await formation?.stop();
}, 60_000);

function needFormation(context: TestContext): FailoverFormation {
  if (!formation) context.skip(unavailable);
  return formation!;
}

const label = (node: FormationNode) => `127.0.0.1:${node.port}`;

interface Run {
  result: FailoverResult;
  report: LoadReport;
  /** Milliseconds from the command to the first write acknowledged on the new primary. */
  resumedAfter: number;
  db: Database;
}

/**
 * Four writers and a reader on a `Database` connected with `options`, for 1.5 s before the failover (or switchover),
 * through it, and for 2 s after the formation settled; then the checks every run must pass.
 */
async function underLoad(options: ConnectOptions, action: 'failover' | 'switchover', name: string): Promise<Run> {
  const f = formation!;
  const db = connect({ ...options, ...TIMEOUTS, pool: { max: 6 } });
  const user = await db.users.upsert({ id: `failover_${name}`, email: `${name}@example.com` });
  const load = startLoad(db, user.id, { writers: 4, readers: 1 });
  await sleep(1_500);
  const result = await f[action]();
  await sleep(2_000);
  const report = await load.stop();

  const onNew = report.acks.filter((ack) => ack.at >= result.startedAt && ack.host === label(result.newPrimary));
  expect(onNew.length, 'writes acknowledged on the new primary').toBeGreaterThan(0);
  const resumedAfter = Math.min(...onNew.map((ack) => ack.at)) - result.startedAt;
  const failures = report.failures.map(({ kind, error }) => `${kind} ${error instanceof ConnectionError ? `${error.reason} retryable=${error.retryable}` : String(error)}`);
  console.log(
    `${name}: ${action} to ${result.newPrimary.name}; new primary writable after ${result.writableAt - result.startedAt} ms (probe), ` +
      `first write through the package on it after ${resumedAfter} ms; ${report.acks.length} writes, ${report.reads.length} reads, ` +
      `${report.failures.length} failures (${summarize(failures)}); longest call ${Math.round(report.longestCallMillis)} ms`,
  );

  expect(resumedAfter).toBeLessThan(RESUME_BOUND_MILLIS);
  // Typed: every failure is a ConnectionError of a failover, never a bare DataAccessError.
  for (const { error } of report.failures) {
    expect(error).toBeInstanceOf(ConnectionError);
    expect(FAILOVER_FAULTS.has((error as ConnectionError).reason), (error as Error).message).toBe(true);
  }
  expect(report.longestCallMillis).toBeLessThan(CALL_BOUND_MILLIS);
  // Writes went on after the switch, and reads went on throughout.
  expect(rate(report.acks.map((ack) => ack.at), result.settledAt, result.settledAt + 2_000)).toBeGreaterThan(5);
  expect(report.reads.filter((at) => at >= result.startedAt).length).toBeGreaterThan(0);
  expect(db.primaryStatus().host).toBe(label(result.newPrimary));
  // No acknowledged write is missing on the new primary.
  expect(await countProjects(result.newPrimary, report.acks.map((ack) => ack.id))).toBe(report.acks.length);
  return { result, report, resumedAfter, db };
}

function summarize(lines: string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([line, count]) => `${count}× ${line}`).join(', ') || 'none';
}

async function countProjects(node: FormationNode, ids: number[]): Promise<number> {
  const client = new pg.Client(node.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>('select count(*)::int as count from projects where id = any($1::int[])', [ids]);
    return rows[0]!.count;
  } finally {
    await client.end();
  }
}

/** Waits until the replica's connections go to `node` and it is in rotation: the former primary serving reads. */
async function replicaServesFrom(db: Database, node: FormationNode): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const [replica] = db.replicaStatus();
    if (replica?.host === label(node) && replica.inRotation) return;
    await db.users.get(`failover_replica_probe`).catch(() => undefined); // the probes start with the first read
    await sleep(100);
  }
  throw new Error(`the replica never served from ${node.name}: ${JSON.stringify(db.replicaStatus())}`);
}

describe('a pg_auto_failover formation', { timeout: 120_000 }, () => {
  it('perform failover under load, the URL naming both nodes: writes follow the new primary', async (context) => {
    const f = needFormation(context);
    const before = await f.primary();
    const run = await underLoad({ url: f.multiHostUrl }, 'failover', 'both_nodes_failover');
    try {
      expect(run.result.newPrimary).not.toBe(before);
      expect(run.db.primaryStatus()).toMatchObject({ targetSessionAttrs: 'read-write', switches: 1 });
    } finally {
      await run.db.close();
    }
  });

  it('perform switchover back, the URL naming only the first node plus the replica list: writes find the primary among the replicas', async (context) => {
    const f = needFormation(context);
    const [node1, node2] = f.nodes;
    const run = await underLoad({ url: node1.url, replicas: [node2.url], maxReplicaLagMillis: 2_000 }, 'switchover', 'first_node_switchover');
    try {
      // The replica's connections went to the first node, the standby before the switchover; promoted, it stops being
      // a replica, and the second node, the primary before, serves reads.
      await replicaServesFrom(run.db, run.result.newPrimary === node1 ? node2 : node1);
    } finally {
      await run.db.close();
    }
  });

  it('perform failover again with the first node and the replica list: the former primary serves reads as a replica', async (context) => {
    const f = needFormation(context);
    const [node1, node2] = f.nodes;
    const oldPrimary = await f.primary();
    const run = await underLoad({ url: node1.url, replicas: [node2.url], maxReplicaLagMillis: 2_000 }, 'failover', 'first_node_failover');
    try {
      expect(run.result.newPrimary).not.toBe(oldPrimary);
      // The replica was the second node, now the primary: it stops being a replica, and the first node takes its place.
      await replicaServesFrom(run.db, oldPrimary);
      expect(run.db.replicaStatus()[0]!.host).not.toBe(label(run.result.newPrimary));
    } finally {
      await run.db.close();
    }
  });

  it('perform switchover with failoverRetry: the calls that were safe to repeat never fail', async (context) => {
    const f = needFormation(context);
    const run = await underLoad({ url: f.multiHostUrl, failoverRetry: { withinMillis: 15_000 } }, 'switchover', 'both_nodes_switchover_retried');
    try {
      for (const { error } of run.report.failures) expect(error).toMatchObject({ retryable: false });
    } finally {
      await run.db.close();
    }
  });

  it('skips a stopped node', async (context) => {
    const f = needFormation(context);
    const primary = await f.primary();
    const standby = f.nodes.find((node) => node !== primary)!;
    await standby.stop();
    // The stopped node first, for writes and as the one replica.
    const url = `postgres://postgres@${label(standby)},${label(primary)}/app?sslmode=disable`;
    const db = connect({ url, replicas: [standby.url], ...TIMEOUTS });
    try {
      // Refused at once, so skipped at once. (A write may then wait a moment more: the primary's commits wait for
      // its synchronous standby until the monitor sees it gone and turns synchronous replication off.)
      const started = performance.now();
      await expect(db.users.get('failover_stopped_node')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(performance.now() - started).toBeLessThan(TIMEOUTS.connectTimeoutMillis);
      expect(db.primaryStatus().host).toBe(label(primary));
      const user = await db.users.upsert({ id: 'failover_stopped_node', email: 'stopped@example.com' });
      // Reads go on from the primary while the replica is down.
      for (let read = 0; read < 20; read++) expect((await db.users.get(user.id)).id).toBe(user.id);
      expect(db.replicaStatus()[0]).toMatchObject({ inRotation: false });
    } finally {
      await db.close();
    }
  });
});
