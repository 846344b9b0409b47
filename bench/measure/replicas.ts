import { performance } from 'node:perf_hooks';
import { connect, type Database } from '../../src/index.ts';
import { EmbeddedPostgresUnavailable } from '../../test/support/embedded-postgres.ts';
import { startReplicaPair } from '../../test/support/replica-pair.ts';
import type { BenchConfig } from '../config.ts';
import { percentile } from './timing.ts';

/** Read throughput of one setup: the primary alone, or the primary with one streaming replica. */
export interface ReplicaResult {
  setup: 'primary alone' | 'primary + 1 replica';
  callers: number;
  operations: number;
  opsPerSecond: number;
  medianMs: number;
  p99Ms: number;
}

const CALLERS = 8;
const POOL_SIZE = 4;
const USERS = 200;

/**
 * `db.projects.get(…, { withCams: true })` by 8 concurrent callers, against a primary alone and against the same
 * primary with one replica (each with a pool of 4), on a pair of embedded servers of their own: the replica needs a
 * primary whose data directory it was copied from. The setups take turns, round after round, like the libraries.
 */
export async function measureReplicas(config: BenchConfig, log: (message: string) => void): Promise<ReplicaResult[] | { unavailable: string }> {
  let pair;
  try {
    pair = await startReplicaPair();
  } catch (error) {
    if (error instanceof EmbeddedPostgresUnavailable) return { unavailable: error.message };
    throw error;
  }
  try {
    const seeding = connect({ url: pair.primary.url });
    const picks: { userId: string; projectId: number }[] = [];
    try {
      await seeding.migrate();
      for (let index = 0; index < USERS; index++) {
        const user = await seeding.users.upsert({ id: `replica_bench_${index}`, email: `replica.bench.${index}@example.com` });
        const project = await seeding.projects.create(user.id, { name: `Project ${index}` });
        await seeding.cams.createMany(user.id, project.id, [1, 2, 3].map((cam) => ({ name: `Cam ${cam}`, camType: 'intake', lift: 10 + cam, duration: 260 + cam })));
        picks.push({ userId: user.id, projectId: project.id });
      }
    } finally {
      await seeding.close();
    }
    await pair.caughtUp();
    log(`replicas: primary and streaming replica started, ${USERS} users seeded and replayed`);

    const pool = { max: POOL_SIZE, min: 0, idleTimeoutMillis: 10_000 };
    const setups = [
      { setup: 'primary alone' as const, db: connect({ url: pair.primary.url, pool }) },
      { setup: 'primary + 1 replica' as const, db: connect({ url: pair.primary.url, pool, replicas: [pair.replica.url] }) },
    ];
    try {
      const measured = setups.map(() => ({ latencies: [] as number[], operations: 0, elapsedMillis: 0 }));
      const sliceMillis = config.sliceMillis * 4;
      for (const { db } of setups) await readFor(db, picks, 200, { latencies: [], operations: 0, elapsedMillis: 0 }); // warm-up
      for (let round = 0; round < config.rounds; round++) {
        for (let i = 0; i < setups.length; i++) {
          const index = (i + round) % setups.length;
          await readFor(setups[index]!.db, picks, sliceMillis, measured[index]!);
        }
      }
      const onReplica = setups[1]!.db.replicaStatus()[0];
      if (!onReplica?.inRotation) throw new Error(`the replica was not in rotation at the end: ${JSON.stringify(onReplica)}`);
      return setups.map(({ setup }, index) => {
        const { latencies, operations, elapsedMillis } = measured[index]!;
        return { setup, callers: CALLERS, operations, opsPerSecond: (operations / elapsedMillis) * 1000, medianMs: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
      });
    } finally {
      for (const { db } of setups) await db.close();
    }
  } finally {
    await pair.stop();
  }
}

/** 8 callers read for `millis`, each checking what it read. */
async function readFor(db: Database, picks: { userId: string; projectId: number }[], millis: number, into: { latencies: number[]; operations: number; elapsedMillis: number }) {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      for (let iteration = 0; performance.now() - started < millis; iteration++) {
        const pick = picks[(iteration * CALLERS + caller) % picks.length]!;
        const begun = performance.now();
        const project = await db.projects.get(pick.userId, pick.projectId, { withCams: true });
        into.latencies.push(performance.now() - begun);
        if (project.cams.length !== 3) throw new Error(`check failed: project ${pick.projectId} has ${project.cams.length} cams, not 3`);
        into.operations++;
      }
    }),
  );
  into.elapsedMillis += performance.now() - started;
}
