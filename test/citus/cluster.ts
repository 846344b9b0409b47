/**
 * A Citus cluster on loopback for the tests: a coordinator and two workers, each a PostgreSQL 15 of its own, started
 * by `cluster.sh` of the Citus build beside the clone (`../shared/citus`, see its README) and installed by its
 * `install.sh` when missing. Where neither can be had, `CitusUnavailable` says why on one line.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Citus cannot be had here; the message says why. */
export class CitusUnavailable extends Error {
  override name = 'CitusUnavailable';
}

/** The Citus build for the machine's PostgreSQL 15: `shared/citus` beside the clone's root. */
export const CITUS_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/citus');
const POSTGRES_15 = '/usr/lib/postgresql/15';

/** Installs Citus into PostgreSQL 15 when it is missing (root only), or says why it cannot be had. */
export async function ensureCitus(): Promise<void> {
  if (!existsSync(join(CITUS_DIR, 'cluster.sh'))) {
    throw new CitusUnavailable(`no Citus build at ${CITUS_DIR} (its cluster.sh and install.sh), beside the clone`);
  }
  if (existsSync(join(POSTGRES_15, 'bin/postgres')) && existsSync(join(POSTGRES_15, 'lib/citus.so'))) return;
  if (process.getuid?.() !== 0) {
    throw new CitusUnavailable(`Citus is not installed into PostgreSQL 15 (${POSTGRES_15}), and ${CITUS_DIR}/install.sh needs root`);
  }
  try {
    await run(join(CITUS_DIR, 'install.sh'), { timeout: 600_000 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new CitusUnavailable(`${CITUS_DIR}/install.sh failed: ${(stderr || message).trim().split('\n').pop()}`);
  }
}

export interface CitusCluster {
  /** The coordinator's URL, as the superuser `postgres`. */
  url: string;
  /** `host=127.0.0.1 port=<port>` of each worker, as Citus names nodes in its plans. */
  workers: string[];
  stop(): Promise<void>;
}

/**
 * Starts a coordinator and `workers` workers on free ports of 127.0.0.1, with their data in a new temporary directory,
 * each node able to stream rows by logical replication (`wal_level = logical`, and Citus allowed as a decoding plugin
 * where the server restricts them), as `create_distributed_table_concurrently` needs: set, then the nodes restarted.
 */
export async function startCitusCluster(workers = 2): Promise<CitusCluster> {
  await ensureCitus();
  const dir = await mkdtemp(join(tmpdir(), 'enginecampro-db-citus-'));
  // As root the servers run as `postgres`, which must be able to enter the directory.
  await chmod(dir, 0o755);
  const script = join(CITUS_DIR, 'cluster.sh');
  const stop = async () => {
    await run(script, ['stop', dir], { timeout: 120_000 }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePorts(workers + 1);
    const start = () => run(script, ['start', dir, String(port), String(workers)], { timeout: 300_000 });
    await start();
    for (let node = 0; node <= workers; node++) {
      const client = new pg.Client(`postgres://postgres@127.0.0.1:${port + node}/postgres`);
      await client.connect();
      try {
        await client.query('alter system set wal_level = logical');
        const { rows } = await client.query(`select count(*)::int as found from pg_settings where name = 'output_plugin_libraries'`);
        if (rows[0].found) await client.query(`alter system set output_plugin_libraries = 'citus'`);
      } finally {
        await client.end();
      }
    }
    await run(script, ['stop', dir], { timeout: 120_000 });
    const { stdout } = await start();
    const url = stdout.trim().split('\n').pop()!;
    return { url, workers: Array.from({ length: workers }, (_, i) => `host=127.0.0.1 port=${port + 1 + i}`), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The first of `count` consecutive ports that are free on 127.0.0.1 now. */
async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 40_000);
    let free = true;
    for (let port = first; port < first + count && free; port++) free = await isFree(port);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free ports found on 127.0.0.1`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}
