/**
 * A throwaway PgBouncer in transaction mode in front of the test server, so the tests can hold the package to what the
 * documentation (`docs/operations.md`) promises about transaction poolers. It is Debian's `pgbouncer` package (installed on the spot when we are
 * root and it is missing), run as our own process with a configuration of its own on a free port: a system service
 * is never used (and one that our install of the package started is stopped).
 *
 * The configuration is deliberately strict: `ignore_startup_parameters` stays empty, so a startup parameter the
 * package's connections should not send fails the tests ("unsupported startup parameter") instead of being dropped
 * silently, and `default_pool_size` is smaller than the callers of a test, so clients really share server connections.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants, rmSync } from 'node:fs';
import { access, chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, serverOwner, type ServerOwner } from './embedded-postgres.ts';

const run = promisify(execFile);

/** PgBouncer cannot run here; the message says why and what to do, on one line. */
export class PgBouncerUnavailable extends Error {
  override name = 'PgBouncerUnavailable';
}

export interface RunningPgBouncer {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** As it reports itself, `PgBouncer 1.18.0` say, for the log. */
  version: string;
  /** The same URL with host and port replaced by PgBouncer's; user, password, database and parameters stay. */
  pooledUrl(directUrl: string): string;
  /** The last few kilobytes PgBouncer logged (errors, warnings, pool events): what to print when a test puzzles. */
  log(): string;
  /** Ends the process and removes its directory; calling it again returns the same promise. */
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /**
   * Server connections per database and user (`default_pool_size`). The default, 4, is below what one test file's
   * `Database` opens (pool max 10), so clients wait for each other's transactions as they would in production.
   */
  poolSize?: number;
}

/**
 * Starts PgBouncer in transaction mode in front of the server of `serverAdminUrl`, for every database on it (a
 * wildcard entry: each test file creates a database of its own) and for the URL's user, with its password if it has
 * one. Resolves once PgBouncer answers on its admin console as that user.
 */
export async function startPgBouncer(serverAdminUrl: string, options: PgBouncerOptions = {}): Promise<RunningPgBouncer> {
  const poolSize = options.poolSize ?? 4;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new RangeError(`poolSize must be a positive integer, not ${poolSize}`);
  // The user PostgreSQL runs as when we are root; PgBouncer refuses root just as PostgreSQL does. Asked before a
  // package install too: Debian's package wants the `postgres` user to exist.
  const owner = await serverOwner();
  const binary = await ensurePgBouncer();
  const server = serverOf(serverAdminUrl);

  const dir = await mkdtemp(join(tmpdir(), 'enginecampro-db-pgbouncer-'));
  try {
    if (owner) await chown(dir, owner.uid, owner.gid);
    await writePrivateFile(join(dir, 'userlist.txt'), `${quoted(server.user)} ${quoted(server.password)}\n`, owner);
    // Whether PgBouncer's user can pass every directory down to its files, asked of the system as that user.
    if (owner && spawnSync('test', ['-r', join(dir, 'userlist.txt')], owner).status !== 0) {
      throw new PgBouncerUnavailable(`PgBouncer must run as user "postgres" here (we are root), and it cannot enter ${tmpdir()}: set TMPDIR to a directory it can enter.`);
    }
    // A port found free can be taken by someone else before PgBouncer binds it: then try another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await writePrivateFile(join(dir, 'pgbouncer.ini'), configuration({ dir, port, poolSize, server }), owner);
      try {
        return running(await launch(binary, dir, port, owner, server), dir, port);
      } catch (error) {
        if (!(error instanceof PortTaken) || attempt === 3) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The server PgBouncer connects to, and the credentials it accepts and logs in with. */
interface Server {
  host: string;
  port: number;
  user: string;
  /** Empty when the URL has none: the server trusts the user, and so does PgBouncer. */
  password: string;
}

function serverOf(adminUrl: string): Server {
  const url = new URL(adminUrl);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: Number(url.port || 5432),
    // What pg itself would use for a URL without them.
    user: decodeURIComponent(url.username) || process.env.PGUSER || userInfo().username,
    password: decodeURIComponent(url.password) || process.env.PGPASSWORD || '',
  };
}

function configuration({ dir, port, poolSize, server }: { dir: string; port: number; poolSize: number; server: Server }): string {
  return `[databases]
; Any database name a client asks for is the database of the same name on the server.
* = host=${server.host} port=${server.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
; No socket in /tmp, where another PgBouncer on the same port number could own one.
unix_socket_dir =
; With a password, clients authenticate by SCRAM as through a production pooler, and PgBouncer logs in to the server
; with the plain-text password of the auth file, whatever method the server asks for. Without one, the server trusts
; the user, and PgBouncer does too. Not \`any\`: it would log every client in as one configured user, so a test
; connecting as another role would silently get the superuser.
auth_type = ${server.password ? 'scram-sha-256' : 'trust'}
auth_file = ${join(dir, 'userlist.txt')}
; The console (database "pgbouncer", SHOW POOLS) answers the readiness probe and lets a test look at the pools.
admin_users = ${server.user}
pool_mode = transaction
default_pool_size = ${poolSize}
; No extra connections for clients that wait long: the pool is exactly poolSize.
reserve_pool_size = 0
; Every test file's pool (10 by default) and the direct clients of the tests together stay far below it.
max_client_conn = 500
; Session state must not be needed: nothing resets it between clients (transaction mode never runs it anyway).
server_reset_query =
; Left empty on purpose: PgBouncer then refuses any startup parameter it does not track, as it does by default in
; production, and the tests catch a connection that sends one.
ignore_startup_parameters =
; After a failed server login (a test database just dropped, the server restarting) retry soon, not in 15 s.
server_login_retry = 1
; Under the tests' 30 s timeout and the package's 30 s statement deadline, so a client that waits for a server
; connection that never comes fails with PgBouncer's own reason ("query_wait_timeout"). That is how 1.18 answers a
; client of a database dropped after PgBouncer had connected to it: it retries the login and keeps the client waiting.
query_wait_timeout = 20
; A line per connection of every test would bury the errors and warnings that log() is for.
log_connections = 0
log_disconnections = 0
`;
}

/** The process, once its console answers; `PortTaken` when another process had bound the port first. */
async function launch(binary: string, dir: string, port: number, owner: ServerOwner | undefined, server: Server): Promise<Launched> {
  const child = spawn(binary, [join(dir, 'pgbouncer.ini')], {
    ...owner,
    cwd: dir,
    env: { ...process.env, LC_ALL: 'C' },
    // Without -d it logs to stderr; it is read to the end, or a full pipe would block PgBouncer.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-16_000)));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (error) => void (spawnError = error));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null || spawnError !== undefined;

  const started = Date.now();
  for (;;) {
    if (hasExited()) {
      if (/address already in use/i.test(log)) throw new PortTaken();
      throw new Error(`pgbouncer exited before accepting connections: ${spawnError?.message ?? lastLines(log)}`);
    }
    // Probe only once it says it bound the port: before that, whoever took the port in the meantime would answer.
    // (After a second, probe anyway, in case another version words it differently.)
    if (!log.includes(`listening on 127.0.0.1:${port}`) && Date.now() - started < 1_000) {
      await sleep(20);
      continue;
    }
    const probe = await askVersion(port, server);
    if (probe.version) return { child, exited, version: probe.version, log: () => log };
    if (probe.error && !isRefused(probe.error)) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`pgbouncer started but its console refused us: ${probe.error.message}; its log: ${lastLines(log)}`);
    }
    if (Date.now() - started > 15_000) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`pgbouncer did not accept connections within 15 s: ${lastLines(log)}`);
    }
    await sleep(50);
  }
}

/** The end of a log, on one line. */
function lastLines(log: string, count = 3): string {
  return log.trim().split('\n').slice(-count).join(' | ') || '(nothing logged)';
}

interface Launched {
  child: ChildProcess;
  exited: Promise<void>;
  version: string;
  log(): string;
}

class PortTaken extends Error {}

/** `SHOW VERSION` on the console: proves it is our PgBouncer that listens, and that the URL's credentials get in. */
async function askVersion(port: number, server: Server): Promise<{ version?: string; error?: Error }> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: server.user, password: server.password, database: 'pgbouncer' });
  client.on('error', () => undefined); // a connection dropped while probing must not crash the process
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('show version');
    return { version: rows[0]?.version ?? 'PgBouncer' };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isRefused(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || /terminated unexpectedly/.test(error.message);
}

function running({ child, exited, version, log }: Launched, dir: string, port: number): RunningPgBouncer {
  // If this process ends without stop(), PgBouncer must not outlive it.
  const stopOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stopOnExit);
  let stopping: Promise<void> | undefined;
  return {
    port,
    version,
    pooledUrl(directUrl) {
      const url = new URL(directUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    log,
    stop() {
      stopping ??= (async () => {
        process.off('exit', stopOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          // SIGTERM is PgBouncer's immediate shutdown; SIGINT would wait for its clients, which may never leave.
          child.kill('SIGTERM');
          // Unreferenced: a pending timer would keep the test run alive for its 5 s after PgBouncer is gone.
          const gone = await Promise.race([exited.then(() => true), sleep(5_000, false, { ref: false })]);
          if (!gone) child.kill('SIGKILL');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/**
 * The `pgbouncer` binary, installed from Debian's package when it is missing and we are root; `PgBouncerUnavailable`
 * (saying why) when it cannot be had. `.ci/run` asks first, to say plainly that the pooled run is skipped.
 */
export async function ensurePgBouncer(): Promise<string> {
  return (await installedBinary()) ?? (await installDebianPackage());
}

/** The `pgbouncer` binary on PATH or where Debian puts it (often not on a non-root PATH). */
async function installedBinary(): Promise<string | undefined> {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'pgbouncer')), '/usr/sbin/pgbouncer'];
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const POLICY = '/usr/sbin/policy-rc.d';

/**
 * Installs Debian's package, as root only. Its postinst starts the system service on port 6432 with the package's
 * configuration, which we would never use: a policy-rc.d that forbids every service action is put in place for the
 * install (unless the system already has a policy, as Docker images do), and a service that started anyway (the
 * system's policy allowed it) is stopped.
 */
async function installDebianPackage(): Promise<string> {
  if (process.getuid?.() !== 0) {
    throw new PgBouncerUnavailable('pgbouncer is not installed and only root can install it: apt-get install pgbouncer, or put a pgbouncer binary on PATH.');
  }
  let ownPolicy = false;
  try {
    // `wx`: never overwrite a policy of the system's.
    await writeFile(POLICY, '#!/bin/sh\n# Put here by the tests of @enginecampro/db while they install pgbouncer; removed after.\nexit 101\n', { mode: 0o755, flag: 'wx' });
    ownPolicy = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new PgBouncerUnavailable(`cannot write ${POLICY} to keep the pgbouncer service from starting: ${String(error)}`);
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // Wait for a dpkg lock held by another install rather than fail at once.
    const install = () => run('apt-get', ['-o', 'DPkg::Lock::Timeout=120', 'install', '-y', '--no-install-recommends', 'pgbouncer'], { env });
    try {
      await install();
    } catch {
      // A fresh container often has no package lists yet.
      await run('apt-get', ['-o', 'DPkg::Lock::Timeout=120', 'update'], { env });
      await install();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PgBouncerUnavailable('pgbouncer is not installed, and this system has no apt-get to install it with: put a pgbouncer binary on PATH.');
    }
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').at(-1);
    throw new PgBouncerUnavailable(`pgbouncer is not installed and apt-get could not install it: ${stderr || (error as Error).message}`);
  } finally {
    if (ownPolicy) await rm(POLICY, { force: true });
  }
  await stopSystemService();
  const binary = await installedBinary();
  if (!binary) throw new PgBouncerUnavailable('apt-get installed pgbouncer, but no pgbouncer binary is on PATH or in /usr/sbin.');
  return binary;
}

/** Stops the system service if the install started it (it may, under a policy that allows it); best effort. */
async function stopSystemService(): Promise<void> {
  const quietly = (command: string, args: string[]) => run(command, args).catch(() => undefined);
  if (spawnSync('test', ['-d', '/run/systemd/system']).status === 0) {
    await quietly('systemctl', ['disable', '--now', 'pgbouncer.service']);
  } else {
    // The init script directly, not invoke-rc.d: a policy that forbids starting it also forbids stopping it.
    await quietly('/etc/init.d/pgbouncer', ['stop']);
  }
}

async function writePrivateFile(path: string, content: string, owner: ServerOwner | undefined): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600); // an existing file keeps its mode on rewrite
  if (owner) await chown(path, owner.uid, owner.gid);
}

/** A value of PgBouncer's auth file: in double quotes, a double quote doubled. */
function quoted(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
