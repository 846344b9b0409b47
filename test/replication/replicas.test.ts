import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError, NotFoundError, connect, users, type Database } from '../../src/index.ts';
import { createUser } from '../support/fixtures.ts';
import { adminQuery, startReplicaPair, type PairServer, type ReplicaPair } from '../support/replica-pair.ts';
import { statementsOf } from '../support/statement-counter.ts';

// A short bound and a shorter probe interval keep the file fast; the rules are the same at any scale.
const MAX_LAG_MILLIS = 400;
const PROBE_MILLIS = 50;

let pair: ReplicaPair;
let db: Database;
/** The same pair, but a replica stays in rotation for a minute after a probe: nothing moves reads during a test. */
let slowProbes: Database;

beforeAll(async () => {
  pair = await startReplicaPair();
  const setup = connect({ url: pair.primary.url });
  await setup.migrate();
  await setup.close();
  db = connect({ url: pair.primary.url, replicas: [pair.replica.url], maxReplicaLagMillis: MAX_LAG_MILLIS, replicaProbeIntervalMillis: PROBE_MILLIS });
  slowProbes = connect({ url: pair.primary.url, replicas: [pair.replica.url], maxReplicaLagMillis: 60_000, replicaProbeIntervalMillis: 30_000 });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await slowProbes?.close();
  await pair?.stop();
});

/** Waits until the probes show the replica fresh enough for plain reads. */
async function inRotation(handle: Database): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (handle.replicaStatus().every((replica) => replica.inRotation)) return;
    await sleep(25);
  }
  throw new Error(`the replica never came into rotation: ${JSON.stringify(handle.replicaStatus())}`);
}

/** Transactions committed in the package's database of this server, as the server counts them. */
async function committed(server: PairServer): Promise<number> {
  const [row] = await adminQuery(server.adminUrl, `select xact_commit::int as commits from pg_stat_database where datname = 'enginecampro'`);
  return row!.commits as number;
}

/** Changes a user's e-mail address behind the package's back, on the primary: a replica with replay paused misses it. */
async function renameOnPrimary(id: string, email: string): Promise<void> {
  await adminQuery(pair.primary.url, 'update users set email = $2 where id = $1', [id, email]);
}

async function pauseReplay(): Promise<void> {
  await adminQuery(pair.replica.adminUrl, 'select pg_wal_replay_pause()');
}

async function resumeReplay(): Promise<void> {
  await adminQuery(pair.replica.adminUrl, 'select pg_wal_replay_resume()');
  await pair.caughtUp();
}

describe('connect({ replicas })', () => {
  it('refuses replica options that cannot work', () => {
    const url = 'postgres://localhost/x';
    expect(() => connect({ url, replicas: [''] })).toThrow(ConfigurationError);
    expect(() => connect({ url, replicas: [{ url, pool: { max: 0 } }] })).toThrow(/replicas/);
    expect(() => connect({ url, replicas: [{ url, schema: 'other' } as never] })).toThrow(ConfigurationError);
    expect(() => connect({ url, replicas: [url], maxReplicaLagMillis: 100, replicaProbeIntervalMillis: 100 })).toThrow(/replicaProbeIntervalMillis/);
  });

  it('sends plain reads to the replica and writes to the primary, as each server counts them', async () => {
    const counted = connect({ url: pair.primary.url, replicas: [pair.replica.url], maxReplicaLagMillis: 60_000, replicaProbeIntervalMillis: 30_000 });
    const before = { primary: await committed(pair.primary), replica: await committed(pair.replica) };
    const reads = 100;
    try {
      const user = await createUser(counted, 'routed'); // a write: the replica would refuse it (25006)
      await pair.caughtUp();
      await inRotation(counted);
      for (let index = 0; index < reads; index++) await counted.users.get(user.id);
    } finally {
      // A server publishes an idle session's counters only every few seconds, but at once when the session ends.
      await counted.close();
    }
    const after = async () => ({ primary: (await committed(pair.primary)) - before.primary, replica: (await committed(pair.replica)) - before.replica });
    let transactions = await after();
    for (let attempt = 0; attempt < 40 && transactions.replica < reads; attempt++) {
      await sleep(50);
      transactions = await after();
    }
    // One read is one statement, one transaction. The primary had the write and a probe or two, never the reads.
    expect(transactions.replica).toBeGreaterThanOrEqual(reads);
    expect(transactions.primary).toBeGreaterThanOrEqual(1);
    expect(transactions.primary).toBeLessThan(reads);
  });

  it('serves a role granted the tables (not their owner) from the replica too, its rows only', async () => {
    const setup = connect({ url: pair.primary.url });
    const role = 'ecp_replica_app';
    try {
      await adminQuery(pair.primary.adminUrl, `create role ${role} login password '${role}' nosuperuser nobypassrls`);
      await setup.migrate({ grantTo: role });
      const url = new URL(pair.primary.url);
      url.username = url.password = role;
      const replicaUrl = new URL(pair.replica.url);
      replicaUrl.username = replicaUrl.password = role;
      const granted = connect({ url: url.toString(), replicas: [replicaUrl.toString()], maxReplicaLagMillis: 60_000, replicaProbeIntervalMillis: 30_000 });
      try {
        const user = await granted.users.upsert({ id: 'user_granted_reader', email: 'granted.reader@example.com' });
        const project = await granted.projects.create(user.id, { name: 'Read from the replica' });
        await pair.caughtUp();
        await inRotation(granted);
        const before = await committed(pair.replica);
        expect((await granted.projects.get(user.id, project.id, { withCams: true })).name).toBe('Read from the replica');
        expect((await granted.projects.list(user.id)).items).toHaveLength(1);
        await granted.close();
        let reads = 0;
        for (let attempt = 0; attempt < 40 && reads < 2; attempt++) {
          await sleep(50);
          reads = (await committed(pair.replica)) - before;
        }
        expect(reads).toBeGreaterThanOrEqual(2);
      } finally {
        await granted.close();
      }
    } finally {
      await setup.close();
    }
  });

  it('reads from the replica what it holds, even what the primary has changed since, within the bound', async () => {
    const user = await createUser(slowProbes, 'stale');
    await pair.caughtUp();
    await inRotation(slowProbes);
    await pauseReplay();
    try {
      await renameOnPrimary(user.id, 'renamed.stale@example.com');
      // The replica was caught up at its last probe, a moment ago: within the bound of a minute, so it answers.
      expect((await slowProbes.users.get(user.id)).email).toBe(user.email);
      // Transactions, and service functions given an EntityManager of one's own, always run on the primary.
      expect(await slowProbes.transaction((tx) => tx.users.get(user.id))).toMatchObject({ email: 'renamed.stale@example.com' });
      expect(await users.get(slowProbes.fork(), user.id)).toMatchObject({ email: 'renamed.stale@example.com' });
    } finally {
      await resumeReplay();
    }
  });

  it('a session reads its own writes while the replica is behind; plain reads are never older than the bound', async () => {
    await inRotation(db);
    await pauseReplay();
    try {
      const session = db.session();
      const user = await session.users.upsert({ id: 'session_user', email: 'session@example.com' });
      expect(await session.users.get(user.id)).toEqual(user);
      const project = await session.projects.create(user.id, { name: 'Written in the session' });
      expect((await session.projects.list(user.id)).items).toEqual([project]);
      await session.transaction((tx) => tx.users.update(user.id, { email: 'session.renamed@example.com' }));
      expect((await session.users.getByEmail('session.renamed@example.com')).id).toBe(user.id);

      // The replica really is behind: it has none of it.
      expect(await adminQuery(pair.replica.url, `select id from users where id = 'session_user'`)).toEqual([]);
      // A plain read may see data up to the bound old; once the bound has passed since the write, it sees the write.
      await sleep(MAX_LAG_MILLIS + PROBE_MILLIS);
      expect((await db.users.get(user.id)).email).toBe('session.renamed@example.com');
    } finally {
      await resumeReplay();
    }
  });

  it('a session goes back to the replica once a probe shows it holds the session writes', async () => {
    const session = db.session();
    const user = await session.users.upsert({ id: 'returning_user', email: 'returning@example.com' });
    await pair.caughtUp();
    await inRotation(db);
    // Probes after the catch-up show the write replayed; then a change made behind the package's back proves where
    // the session reads: the replica, which does not have it.
    await sleep(2 * PROBE_MILLIS);
    await pauseReplay();
    try {
      await renameOnPrimary(user.id, 'returning.renamed@example.com');
      expect((await session.users.get(user.id)).email).toBe('returning@example.com');
    } finally {
      await resumeReplay();
    }
  });

  it('a write in a session sends no more statements than the same write outside one', async () => {
    const user = await createUser(db, 'counted');
    const session = db.session();
    const plain = await statementsOf(() => db.users.update(user.id, { subscriptionStatus: 'pro' }));
    const inSession = await statementsOf(() => session.users.update(user.id, { subscriptionStatus: 'free' }));
    expect(inSession.statements).toEqual(plain.statements);
    expect(plain.statements).toHaveLength(1);
  });

  it('a write sent to a read-only server fails with a ConnectionError that says so', async () => {
    const misconfigured = connect({ url: pair.replica.url });
    try {
      const error = await misconfigured.users.upsert({ id: 'nowhere', email: 'nowhere@example.com' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).message).toMatch(/read-only/);
    } finally {
      await misconfigured.close();
    }
  });

  it('a stopped replica costs the callers no error', async () => {
    const user = await createUser(db, 'survivor');
    await pair.caughtUp();
    await inRotation(db);
    await pair.replica.stop();
    try {
      for (let index = 0; index < 50; index++) {
        expect((await db.users.get(user.id)).id).toBe(user.id);
      }
      expect(db.replicaStatus()[0]).toMatchObject({ inRotation: false, reachable: false });
    } finally {
      await pair.replica.start();
    }
    await pair.caughtUp();
    await inRotation(db);
    expect((await db.users.get(user.id)).id).toBe(user.id);
  });

  it('with the primary stopped, reads still succeed from the replica and writes fail with ConnectionError', async () => {
    const user = await createUser(db, 'orphan');
    await pair.caughtUp();
    await inRotation(db);
    await pair.primary.stop();
    try {
      for (let index = 0; index < 20; index++) {
        expect((await db.users.get(user.id)).id).toBe(user.id);
      }
      await expect(db.users.get('never_written')).rejects.toThrow(NotFoundError);
      // Past the bound: no probe can show the replica fresh any more, and it still answers.
      await sleep(MAX_LAG_MILLIS + PROBE_MILLIS);
      expect((await db.session().users.getByEmail(user.email)).id).toBe(user.id);
      await expect(db.users.update(user.id, { subscriptionStatus: 'pro' })).rejects.toThrow(ConnectionError);
      await expect(db.transaction((tx) => tx.users.get(user.id))).rejects.toThrow(ConnectionError);
    } finally {
      await pair.primary.start();
    }
  });
});
