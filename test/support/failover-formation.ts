/**
 * A real high-availability formation for the tests and the benchmark: a pg_auto_failover monitor and two PostgreSQL
 * 15 nodes (a primary and a synchronous standby) on 127.0.0.1, from the Debian package `postgresql-15-auto-failover`
 * (the monitor's extension `pgautofailover`, and `pg_autoctl` through its dependency `pg-auto-failover-cli`).
 *
 * Every `pg_autoctl` runs as the `postgres` system user when we are root (PostgreSQL refuses to run as root), with
 * HOME, the XDG directories and the Unix sockets inside one fresh temporary directory, so that nothing is read from
 * or left in that user's home, and no socket meets the system cluster's in /var/run/postgresql.
 *
 * Tuned for a CI run: the monitor's health checks and timeouts are shortened (see MONITOR_SETTINGS), durability is
 * off on the nodes (fsync), and pg_autoctl's memory tuning, which sizes shared_buffers to a quarter of the machine's
 * RAM for each node, is overridden.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, chown, mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { freePort, serverOwner, type ServerOwner } from './embedded-postgres.ts';

/** A formation cannot run here; the message says why on one line. */
export class FailoverFormationUnavailable extends Error {
  override name = 'FailoverFormationUnavailable';
}

export interface FormationNode {
  /** The pg_auto_failover node name: `node1` or `node2`. */
  name: string;
  port: number;
  /** A superuser URL of the formation's database on this node. */
  url: string;
  /** Stops this node's pg_autoctl, and with it its PostgreSQL (fast shutdown); the data stays. */
  stop(): Promise<void>;
  /**
   * Starts this node's pg_autoctl again; resolves when the monitor reports the node settled in a state that serves
   * clients (`primary`, `wait_primary`, `single` or `secondary`): a stopped former primary is rewound and rejoins
   * as a secondary first.
   */
  start(): Promise<void>;
}

/** What `failover()` and `switchover()` observed, as `Date.now()` values. */
export interface FailoverResult {
  /** When the `pg_autoctl perform …` command was started. */
  startedAt: number;
  /** When the new primary first committed a write (an INSERT into a probe table of database `postgres`). */
  writableAt: number;
  /** When the monitor reported the new primary `primary` and the old one `secondary` (rewound and streaming). */
  settledAt: number;
  newPrimary: FormationNode;
}

export interface FailoverFormation {
  /** The monitor's URL, as user `autoctl_node` (trusted on 127.0.0.1) of database `pg_auto_failover`. */
  monitorUrl: string;
  nodes: [FormationNode, FormationNode];
  /**
   * libpq multi-host URL naming both nodes, as `pg_autoctl show uri --formation default` prints it plus the user,
   * e.g. postgres://postgres@127.0.0.1:p1,127.0.0.1:p2/app?target_session_attrs=read-write&sslmode=disable. For
   * libpq clients (psql): node-postgres (`pg`) parses neither several hosts nor target_session_attrs.
   */
  multiHostUrl: string;
  /** The node the monitor reports as the writable one, waiting (up to 60 s) while a failover is under way. */
  primary(): Promise<FormationNode>;
  /** `pg_autoctl perform failover`; resolves when the monitor reports the new primary `primary`, the other `secondary`. */
  failover(): Promise<FailoverResult>;
  /** `pg_autoctl perform switchover` (pg_autoctl runs the same monitor function as for `failover`). */
  switchover(): Promise<FailoverResult>;
  /** Stops every process of the formation and removes its data; safe to call more than once. */
  stop(): Promise<void>;
}

const PACKAGE = 'postgresql-15-auto-failover';
const PG_BIN = '/usr/lib/postgresql/15/bin';
/** Installed by PACKAGE itself: `pg_autoctl` alone (package pg-auto-failover-cli) cannot run a monitor. */
const MONITOR_EXTENSION = '/usr/share/postgresql/15/extension/pgautofailover.control';
const FORMATION = 'default';
const PROBE_TABLE = 'enginecampro_failover_probe';
/** How long a failover, a switchover, a node start or a wait for the primary may take before we give up. */
const SETTLE_TIMEOUT_MS = 60_000;
/** How long a `pg_autoctl create …` may take (it runs initdb, or pg_basebackup from the primary). */
const CREATE_TIMEOUT_MS = 120_000;
/** How long a graceful stop may take before the process group is killed. */
const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

/**
 * The monitor decides alone when a node is unhealthy and a failover is due; its defaults (health check every 5 s,
 * node unhealthy after 20 s, 30 s for an unreachable primary to demote itself) make an unplanned failover, a test
 * stopping the primary's node, take most of a minute; with these it takes about 9 s. A planned `perform failover`
 * does not wait on them: it took the same 2-3 s to a writable new primary with the defaults as with these.
 */
const MONITOR_SETTINGS = {
  'pgautofailover.health_check_period': '1000', // ms between health check rounds (default 5000)
  'pgautofailover.health_check_timeout': '1000', // connect timeout of a health check, ms (default 5000)
  'pgautofailover.health_check_max_retries': '1', // default 2
  'pgautofailover.health_check_retry_delay': '200', // ms (default 2000)
  'pgautofailover.node_considered_unhealthy_timeout': '3000', // ms without a keeper report (default 20000)
  'pgautofailover.startup_grace_period': '1000', // ms after the monitor starts before it may fail over (default 10000)
  'pgautofailover.primary_demote_timeout': '5000', // ms an unreachable primary gets to demote itself (default 30000)
  shared_buffers: "'32MB'", // pg_autoctl sizes the monitor as it sizes the nodes (see NODE_SETTINGS)
};

/**
 * Appended to the first node's postgresql.conf before its first start; pg_basebackup copies the file to the second
 * node. The include of pg_autoctl's own postgresql-auto-failover.conf is the file's first line, so these win.
 */
const NODE_SETTINGS = {
  shared_buffers: "'128MB'", // pg_autoctl computes 25 % of the RAM for each node: 3 × 6 GB on a 24 GB machine
  fsync: 'off', // throwaway data; pg_rewind needs full_page_writes and wal_log_hints, which stay on
  wal_keep_size: "'128MB'", // pg_autoctl sets 8 GB; the standbys use replication slots anyway
};

/**
 * The keeper of a primary that can reach neither the monitor nor its standby demotes itself after this many
 * seconds (default 20); kept at or under the monitor's primary_demote_timeout so that the monitor never promotes
 * the standby while the old primary may still take writes.
 */
const KEEPER_SETTINGS = { 'timeout.network_partition_timeout': '5' };

/**
 * Runs a command and stops it (SIGTERM) when its standard input closes: when we ask it to by ending the pipe, and
 * also when this Node process dies in any way, even by SIGKILL, so that no pg_autoctl or postgres outlives a test
 * run that crashed. Exits with the command's status.
 */
const WATCHED = `exec 3<&0 0</dev/null
"$@" &
child=$!
{ read -r _ <&3; kill -TERM "$child" 2>/dev/null; } &
watcher=$!
wait "$child"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"`;

/**
 * Removes the formation's directory if this Node process dies without calling stop() (its pipe closes before a line
 * arrives), once the processes above have had time to shut down.
 */
const REAPER = 'read -r _ || { sleep 20; rm -rf -- "$1"; }';

/** The path of `pg_autoctl`, after installing the Debian package when it is missing and we are root. */
export async function ensurePgAutoFailover(): Promise<string> {
  const found = () => {
    const candidates = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', PG_BIN].map((dir) => join(dir, 'pg_autoctl'));
    const pgAutoctl = candidates.find((path) => existsSync(path));
    return pgAutoctl && existsSync(MONITOR_EXTENSION) && existsSync(join(PG_BIN, 'pg_ctl')) ? pgAutoctl : undefined;
  };
  const present = found();
  if (present) return present;
  if (process.getuid?.() !== 0) {
    throw new FailoverFormationUnavailable(`pg_auto_failover is not installed (no pg_autoctl, or no ${MONITOR_EXTENSION}) and we are not root to run "apt-get install ${PACKAGE}".`);
  }
  if (!existsSync('/usr/bin/apt-get')) {
    throw new FailoverFormationUnavailable(`pg_auto_failover is not installed and this system has no apt-get to install ${PACKAGE}.`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', PACKAGE], { env, encoding: 'utf8' });
  let result = install();
  // A fresh image often has no package lists yet: fetch them once and try again.
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    result = install();
  }
  const installed = found();
  if (result.status !== 0 || !installed) {
    const why = `${result.error?.message ?? ''} ${result.stderr ?? ''}`.trim().split('\n').at(-1);
    throw new FailoverFormationUnavailable(`"apt-get install ${PACKAGE}" failed: ${why || `exit status ${result.status}`}`);
  }
  return installed;
}

/** Creates the monitor and two nodes, and resolves once the monitor reports one `primary` and one `secondary`. */
export async function startFailoverFormation(options: { database?: string } = {}): Promise<FailoverFormation> {
  const database = options.database ?? 'app';
  // The name goes unquoted into URLs and into pg_autoctl's CREATE DATABASE.
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`database name must be a plain lower-case identifier: ${database}`);
  const pgAutoctl = await ensurePgAutoFailover();
  let owner: ServerOwner | undefined;
  try {
    owner = await serverOwner();
  } catch (error) {
    throw new FailoverFormationUnavailable(`we are root, PostgreSQL must run as user "postgres", which does not exist and cannot be created: ${(error as Error).message.split('\n')[0]}`);
  }
  const baseDir = await mkdtemp(join(tmpdir(), 'enginecampro-db-paf-'));
  const runtime = new Runtime(pgAutoctl, owner, baseDir);
  try {
    await runtime.prepare();
    return await createFormation(runtime, database);
  } catch (error) {
    await runtime.destroy();
    throw error;
  }
}

async function createFormation(runtime: Runtime, database: string): Promise<FailoverFormation> {
  const [monitorPort, port1, port2] = [await freePort(), await freePort(), await freePort()];
  const monitorDir = runtime.path('monitor');
  const monitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`;
  const common = ['--pgctl', join(PG_BIN, 'pg_ctl'), '--hostname', '127.0.0.1', '--auth', 'trust', '--no-ssl'];

  // `create` without --run initialises, registers and stops again: the settings can then be written before the
  // first real start, which only `pg_autoctl run` does.
  await runtime.command('create-monitor', ['create', 'monitor', '--pgdata', monitorDir, '--pgport', String(monitorPort), ...common]);
  // The monitor's postgres listens on '*' unless told otherwise; --listen exists for `create postgres` only.
  await runtime.command('config-monitor', ['config', 'set', '--pgdata', monitorDir, 'postgresql.listen_addresses', '127.0.0.1']);
  await runtime.appendSettings(join(monitorDir, 'postgresql.conf'), MONITOR_SETTINGS);
  const monitorService = runtime.service('monitor', ['run', '--pgdata', monitorDir]);
  await monitorService.start();
  const monitor = new pg.Pool({ connectionString: monitorUrl, max: 1, allowExitOnIdle: true, connectionTimeoutMillis: 2000 });
  monitor.on('error', () => {}); // an idle connection cut while the monitor restarts: the next query reconnects

  const superuser = runtime.owner ? 'postgres' : userInfo().username; // the user initdb ran as
  const nodes: ManagedNode[] = [];
  try {
    await waitFor('the monitor to accept connections', 30_000, async () => {
      await monitor.query('select 1');
      return true;
    });
    for (const [index, port] of [port1, port2].entries()) {
      const name = `node${index + 1}`;
      const pgdata = runtime.path(name);
      await runtime.command(`create-${name}`, [
        'create', 'postgres', '--pgdata', pgdata, '--pgport', String(port), '--listen', '127.0.0.1', '--name', name,
        '--dbname', database, '--username', superuser, '--monitor', monitorUrl, '--formation', FORMATION, ...common,
      ]);
      if (index === 0) await runtime.appendSettings(join(pgdata, 'postgresql.conf'), NODE_SETTINGS);
      for (const [key, value] of Object.entries(KEEPER_SETTINGS)) {
        await runtime.command(`config-${name}`, ['config', 'set', '--pgdata', pgdata, key, value]);
      }
      const service = runtime.service(name, ['run', '--pgdata', pgdata]);
      const node = new ManagedNode(name, port, superuser, database, service, monitor, runtime);
      nodes.push(node);
      await service.start();
      // The second node's `create` waits for the first one's keeper to open its primary for a standby.
      if (index === 0) await node.waitSettled(['single']);
    }
  } catch (error) {
    await monitor.end();
    throw error;
  }
  const [node1, node2] = nodes as [ManagedNode, ManagedNode];
  node1.peer = node2;
  node2.peer = node1;
  const formation = new Formation(runtime, monitorService, monitor, monitorUrl, [node1, node2], monitorDir);
  try {
    await formation.waitStates({ node1: 'primary', node2: 'secondary' }, 'the formation to reach primary/secondary');
    await adminQuery(node1.adminUrl, `create table if not exists ${PROBE_TABLE} (at timestamptz not null default clock_timestamp())`);
    const [{ uri }] = (await monitor.query<{ uri: string }>('select pgautofailover.formation_uri($1, $2, $3) as uri', [FORMATION, 'default', 'disable'])).rows as [{ uri: string }];
    formation.multiHostUrl = uri.replace('postgres://', `postgres://${superuser}@`);
  } catch (error) {
    await formation.stop();
    throw error;
  }
  return formation;
}

/** States in which a node serves clients and the monitor wants it to stay. */
const SERVING = ['primary', 'wait_primary', 'single', 'secondary'];
const WRITABLE = ['primary', 'wait_primary', 'single', 'join_primary'];

/** A node as the monitor sees it (table pgautofailover.node). */
interface NodeState {
  nodename: string;
  /** The state the keeper last reported reaching, and the one the monitor assigned. */
  current: string;
  assigned: string;
  /** The monitor's last health check: 1 good, 0 bad, -1 not checked yet. */
  health: number;
  /** Whether the keeper last reported PostgreSQL running. */
  running: boolean;
  /** When the keeper last reported (Date.now() scale: the monitor runs on this machine). */
  reportedAt: number;
}

/** Reached what the monitor assigned, running, and passing the health checks. */
function settled(node: NodeState | undefined, state?: string): boolean {
  return node !== undefined && node.current === node.assigned && node.running && node.health === 1 && (state === undefined || node.current === state);
}

class Formation implements FailoverFormation {
  multiHostUrl = '';
  readonly monitorUrl: string;
  readonly nodes: [ManagedNode, ManagedNode];
  private readonly runtime: Runtime;
  private readonly monitorService: Service;
  private readonly monitor: pg.Pool;
  private readonly monitorDir: string;
  private stopped: Promise<void> | undefined;

  constructor(runtime: Runtime, monitorService: Service, monitor: pg.Pool, monitorUrl: string, nodes: [ManagedNode, ManagedNode], monitorDir: string) {
    this.runtime = runtime;
    this.monitorService = monitorService;
    this.monitor = monitor;
    this.monitorUrl = monitorUrl;
    this.nodes = nodes;
    this.monitorDir = monitorDir;
  }

  async primary(): Promise<FormationNode> {
    let found: FormationNode | undefined;
    await waitFor('a writable primary', SETTLE_TIMEOUT_MS, async () => {
      // A stopped primary stays `primary` for the monitor until its health check fails.
      const writable = (await states(this.monitor)).filter((node) => node.current === node.assigned && WRITABLE.includes(node.current) && node.running && node.health !== 0);
      found = writable.length === 1 ? this.nodes.find((node) => node.name === writable[0]?.nodename) : undefined;
      return found !== undefined;
    });
    return found!;
  }

  failover(): Promise<FailoverResult> {
    return this.perform('failover');
  }

  switchover(): Promise<FailoverResult> {
    return this.perform('switchover');
  }

  private async perform(action: 'failover' | 'switchover'): Promise<FailoverResult> {
    // Both nodes must be settled, or the monitor refuses ("no node is eligible"): e.g. right after a previous one.
    await this.waitStates(await this.expected(), `the formation to settle before the ${action}`);
    const oldPrimary = await this.primary();
    const newPrimary = this.nodes.find((node) => node !== oldPrimary)!;
    const startedAt = Date.now();
    // It waits itself for a node to report `primary`, and exits 0 then. pg_autoctl 2.0 logs a harmless ERROR on
    // the way ("invalid input syntax for type integer", from its get_nodes() call): ignore it in the log.
    const command = this.runtime.command(action, ['perform', action, '--pgdata', this.monitorDir, '--formation', FORMATION, '--group', '0', '--wait', String(SETTLE_TIMEOUT_MS / 1000)], SETTLE_TIMEOUT_MS + 10_000);
    const aborted = new AbortController();
    command.catch(() => aborted.abort());
    const [writableAt] = await Promise.all([newPrimary.waitWritable(startedAt + SETTLE_TIMEOUT_MS, aborted.signal), command]);
    await this.waitStates({ [newPrimary.name]: 'primary', [oldPrimary.name]: 'secondary' }, `the ${action} to settle`, startedAt + SETTLE_TIMEOUT_MS);
    return { startedAt, writableAt, settledAt: Date.now(), newPrimary };
  }

  /** The states of a healthy formation with the current primary. */
  private async expected(): Promise<Record<string, string>> {
    const primary = await this.primary();
    return Object.fromEntries(this.nodes.map((node) => [node.name, node === primary ? 'primary' : 'secondary']));
  }

  /** Waits until the monitor reports each named node settled (see settled()) in that state. */
  async waitStates(expected: Record<string, string>, what: string, deadline = Date.now() + SETTLE_TIMEOUT_MS): Promise<void> {
    let last: NodeState[] = [];
    try {
      await waitFor(what, deadline - Date.now(), async () => {
        last = await states(this.monitor);
        return Object.entries(expected).every(([name, state]) => settled(last.find((node) => node.nodename === name), state));
      });
    } catch (error) {
      const seen = last.map((node) => `${node.nodename} ${node.current}→${node.assigned} health ${node.health}`).join(', ');
      throw new Error(`${(error as Error).message} (monitor reports: ${seen || 'nothing'}); ${await this.runtime.logTails()}`);
    }
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      // All at once: the order does not matter when everything goes, and each stop is a fast shutdown.
      await Promise.all([...this.nodes.map((node) => node.stop()), this.monitorService.stop()]);
      await this.monitor.end();
      await this.runtime.destroy();
    })();
    return this.stopped;
  }
}

class ManagedNode implements FormationNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** A superuser URL of database `postgres`, where the write probe lives, out of the tests' way. */
  readonly adminUrl: string;
  private readonly service: Service;
  private readonly monitor: pg.Pool;
  private readonly runtime: Runtime;
  /** The other node of the formation. */
  peer: ManagedNode | undefined;

  constructor(name: string, port: number, superuser: string, database: string, service: Service, monitor: pg.Pool, runtime: Runtime) {
    this.name = name;
    this.port = port;
    this.service = service;
    this.monitor = monitor;
    this.runtime = runtime;
    this.url = `postgres://${superuser}@127.0.0.1:${port}/${database}?sslmode=disable`;
    this.adminUrl = `postgres://${superuser}@127.0.0.1:${port}/postgres?sslmode=disable`;
  }

  stop(): Promise<void> {
    return this.service.stop();
  }

  async start(): Promise<void> {
    if (this.service.running) return;
    await this.service.start();
    await this.waitSettled(SERVING, true);
  }

  get running(): boolean {
    return this.service.running;
  }

  /**
   * Waits until the monitor reports this node settled in one of `accepted`, from a report sent after this call:
   * right after a quick stop and start the monitor still shows the state from before the stop. With `withPeer`, and
   * the other node running, also until the pair is whole again, one `primary` and one `secondary`, both healthy: a
   * test that stops the primary before its standby is back in `secondary` leaves the monitor no node to promote,
   * and the formation without a primary for good.
   */
  async waitSettled(accepted: string[], withPeer = false): Promise<void> {
    const since = Date.now();
    try {
      await waitFor(`${this.name} to settle in ${accepted.join('/')}`, SETTLE_TIMEOUT_MS, async () => {
        const all = await states(this.monitor);
        const node = all.find((state) => state.nodename === this.name);
        if (!node || node.reportedAt < since || !settled(node) || !accepted.includes(node.current)) return false;
        if (!withPeer || !this.peer?.running) return true;
        const peer = all.find((state) => state.nodename === this.peer?.name);
        return settled(peer) && [node.current, peer!.current].sort().join() === 'primary,secondary';
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}; ${await this.runtime.logTails()}`);
    }
  }

  /**
   * Resolves with the moment this node first commits a write, retrying on one connection (re-opened when it
   * breaks): a standby answers 25006 until it is promoted.
   */
  async waitWritable(deadline: number, signal: AbortSignal): Promise<number> {
    let client: pg.Client | undefined;
    try {
      while (!signal.aborted) {
        try {
          if (!client) {
            client = new pg.Client({ connectionString: this.adminUrl, connectionTimeoutMillis: 1000, query_timeout: 2000 });
            client.on('error', () => {}); // the server going away is expected here; the next query reports it
            await client.connect();
          }
          await client.query(`insert into ${PROBE_TABLE} default values`);
          return Date.now();
        } catch (error) {
          if ((error as { code?: string }).code !== '25006') {
            void client?.end().catch(() => {});
            client = undefined;
          }
        }
        if (Date.now() > deadline) throw new Error(`${this.name} did not accept a write within ${SETTLE_TIMEOUT_MS / 1000} s`);
        await sleep(20);
      }
      throw new Error('aborted');
    } finally {
      await client?.end().catch(() => {});
    }
  }
}

/** The directory of a formation, and how its pg_autoctl commands are run there. */
class Runtime {
  private readonly services = new Set<Service>();
  private reaper: ChildProcess | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly pgAutoctl: string;
  readonly owner: ServerOwner | undefined;
  private readonly baseDir: string;

  constructor(pgAutoctl: string, owner: ServerOwner | undefined, baseDir: string) {
    this.pgAutoctl = pgAutoctl;
    this.owner = owner;
    this.baseDir = baseDir;
    this.env = {
      // A clean environment: pg_autoctl reads PGDATA, PGPORT, PGUSER, PGDATABASE… and would follow the caller's.
      PATH: `${PG_BIN}:/usr/local/bin:/usr/bin:/bin`,
      // Its configuration and state files go under XDG_CONFIG_HOME and XDG_DATA_HOME, by default in ~postgres.
      HOME: baseDir,
      XDG_CONFIG_HOME: join(baseDir, 'config'),
      XDG_DATA_HOME: join(baseDir, 'share'),
      XDG_RUNTIME_DIR: join(baseDir, 'run'),
      // pg_autoctl gives this to postgres as its socket directory (-k); PGHOST makes its own connections use it.
      // Without them the sockets go to /var/run/postgresql, which only root and `postgres` can write to.
      PG_REGRESS_SOCK_DIR: join(baseDir, 'sockets'),
      PGHOST: join(baseDir, 'sockets'),
      // UTF8 databases whatever the caller's locale, and log lines in English.
      LC_ALL: 'C.UTF-8',
    };
  }

  path(name: string): string {
    return join(this.baseDir, name);
  }

  /** Creates the directories, hands them to the server's user, and starts the reaper. */
  async prepare(): Promise<void> {
    for (const dir of ['config', 'share', 'run', 'sockets', 'logs']) await mkdir(this.path(dir), { mode: 0o700 });
    if (this.owner) {
      for (const dir of ['', 'config', 'share', 'run', 'sockets']) await chown(this.path(dir), this.owner.uid, this.owner.gid);
      // Whether the server's user can reach its directory at all, asked of the system as that user.
      if (spawnSync('test', ['-w', this.baseDir], this.owner).status !== 0) {
        throw new FailoverFormationUnavailable(`user "postgres" cannot enter ${tmpdir()} for the formation's data (we are root, PostgreSQL refuses to run as root): set TMPDIR to a directory it can reach.`);
      }
    }
    this.reaper = spawn('/bin/sh', ['-c', REAPER, 'reaper', this.baseDir], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    this.reaper.unref();
    (this.reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** Runs a pg_autoctl command to its end; it fails with the end of its output. */
  async command(label: string, args: string[], timeoutMs = CREATE_TIMEOUT_MS): Promise<void> {
    const service = new Service(this, label, args);
    this.services.add(service); // so that destroy() stops it too, should it still run then
    try {
      await service.runToEnd(timeoutMs);
    } finally {
      this.services.delete(service);
    }
  }

  /** A long-running pg_autoctl (`run`), started and stopped on demand. */
  service(label: string, args: string[]): Service {
    const service = new Service(this, label, args);
    this.services.add(service);
    return service;
  }

  /** Spawns `pg_autoctl args` as the server's user, in its own process group, appending to logs/<label>.log. */
  async spawn(label: string, args: string[]): Promise<ChildProcess> {
    const log = await open(this.logPath(label), 'a');
    try {
      await log.write(`--- ${new Date().toISOString()} pg_autoctl ${args.join(' ')}\n`);
      const child = spawn('/bin/sh', ['-c', WATCHED, 'pg_autoctl', this.pgAutoctl, ...args], {
        ...this.owner,
        cwd: this.baseDir,
        env: this.env,
        // Its own process group: a Ctrl-C on the terminal reaches us, and we stop it in order; killing the group
        // (the last resort) reaches pg_autoctl's services and their postgres, which stay in it.
        detached: true,
        stdio: ['pipe', log.fd, log.fd],
      });
      await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
      return child;
    } finally {
      await log.close(); // the child has its own copy of the descriptor
    }
  }

  logPath(label: string): string {
    return this.path(join('logs', `${label}.log`));
  }

  async appendSettings(file: string, settings: Record<string, string>): Promise<void> {
    const lines = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
    await appendFile(file, `\n# enginecampro-db test formation: overrides the pg_autoctl settings included above\n${lines.join('\n')}\n`);
  }

  /** The last lines of every log, for error messages. */
  async logTails(lines = 8): Promise<string> {
    const labels = ['create-monitor', 'monitor', 'create-node1', 'node1', 'create-node2', 'node2'];
    const tails = await Promise.all(
      labels.map(async (label) => {
        const text = await readFile(this.logPath(label), 'utf8').catch(() => '');
        return text ? `[${label}] ${text.trimEnd().split('\n').slice(-lines).join('\n  ')}` : '';
      }),
    );
    return `pg_autoctl logs:\n${tails.filter(Boolean).join('\n')}`;
  }

  /** Stops whatever still runs, makes sure no postgres survives, and removes the directory. */
  async destroy(): Promise<void> {
    await Promise.all([...this.services].map((service) => service.stop()));
    for (const name of ['monitor', 'node1', 'node2']) await killPostmaster(this.path(name));
    await rm(this.baseDir, { recursive: true, force: true });
    this.reaper?.stdin?.end('done\n'); // the directory is gone: the reaper may exit without doing anything
    this.reaper = undefined;
  }
}

/** One pg_autoctl process, wrapped so that it stops when its stdin closes (see WATCHED). */
class Service {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private readonly runtime: Runtime;
  private readonly label: string;
  private readonly args: string[];

  constructor(runtime: Runtime, label: string, args: string[]) {
    this.runtime = runtime;
    this.label = label;
    this.args = args;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process if it is not running; resolves once it runs. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = await this.runtime.spawn(this.label, this.args);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });
    // A test that forgets stop() must not keep Node alive: the closing pipe then stops the process (see WATCHED).
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** Runs the command and waits for it to exit successfully. */
  async runToEnd(timeoutMs: number): Promise<void> {
    await this.start();
    const child = this.child!;
    child.ref();
    const timer = setTimeout(() => void this.stop(), timeoutMs);
    const code = await this.exited!;
    clearTimeout(timer);
    if (code !== 0) {
      const log = await readFile(this.runtime.logPath(this.label), 'utf8').catch(() => '');
      const tail = log.trimEnd().split('\n').slice(-12).join('\n  ');
      throw new Error(`pg_autoctl ${this.args.slice(0, 2).join(' ')} failed (${code === null ? 'killed' : `exit status ${code}`}):\n  ${tail}`);
    }
  }

  /** Closes its stdin (SIGTERM: pg_autoctl stops postgres, fast mode) and waits; kills the group if it hangs. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    child.ref(); // keep Node alive until it has exited
    child.stdin?.end();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Last resort after a stop: an immediate shutdown (SIGQUIT) of a postmaster still listed in postmaster.pid. */
async function killPostmaster(pgdata: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return; // not running: postgres removes the file when it stops
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!pid || !alive()) return;
  process.kill(pid, 'SIGQUIT');
  for (let waited = 0; alive() && waited < 5000; waited += POLL_MS) await sleep(POLL_MS);
  if (alive()) process.kill(pid, 'SIGKILL');
}

async function states(monitor: pg.Pool): Promise<NodeState[]> {
  const { rows } = await monitor.query<NodeState>(
    `select nodename, reportedstate::text as current, goalstate::text as assigned, health, reportedpgisrunning as running,
            (extract(epoch from reporttime) * 1000)::float8 as "reportedAt"
       from pgautofailover.node where formationid = $1`,
    [FORMATION],
  );
  return rows;
}

/** Polls `check` until it returns true; errors count as "not yet". */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${cause}`);
    }
    await sleep(POLL_MS);
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
