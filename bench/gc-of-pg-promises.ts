// `node bench/gc-of-pg-promises.ts`: how much garbage collection one read costs, by the way `pg` is asked for it.
// The same statement (a cam with its 360-point profile) is read on one connection, each way in a child process of its
// own so that no way inherits another's heap; writes bench/results/gc-of-pg-promises.md.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { connect } from '../src/index.ts';
import { PoolConnections } from '../src/connection/pooled-client.ts';
import { randomCam } from './data/lobe.ts';
import { seededRandom } from './data/random.ts';
import { SQL } from './libraries/raw-pg-sql.ts';
import { createBenchDatabase } from './postgres.ts';
import { describeMachine, installedVersions } from './report/machine.ts';

const READS = 20_000;
const WARM_READS = 2_000;
const REPEATS = 3;

/** Each way of sending the read; all send the same statement with the same values on one connection. */
const WAYS = {
  'pg.Pool#query': 'the pool checks a client out and queries it with a callback, inside pg',
  'pg.Client#query, promise': "a client's `query(text, values)` without a callback: the form Kysely, and with it MikroORM's `getKysely()`, uses",
  'pg.Client#query, callback': 'the same client query with a callback, wrapped in a promise of its own',
  'Kysely on a pg.Pool': 'Kysely over a plain pool, as MikroORM sets it up for a host application',
  "Kysely on the package's pool": "`em.getKysely()` of a `connect()` handle: the package's client class sends promise-form queries in the callback form",
  'db.cams.get': 'the whole service call on a `connect()` handle',
} as const;
type Way = keyof typeof WAYS;

interface Measured { way: Way; microsPerRead: number; gcMillisPer10k: number; collections: number }

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await measure(process.argv[3] as Way, process.argv[4]!, process.argv[5]!, Number(process.argv[6]))));
} else {
  await main();
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  try {
    const db = connect({ url: database.url });
    const user = await db.users.upsert({ id: 'gc_user', email: 'gc@example.com' });
    const project = await db.projects.create(user.id, { name: 'GC' });
    const cam = await db.cams.create(user.id, project.id, randomCam(seededRandom(3), 'Lobe'));
    await db.close();

    const runs = new Map<Way, Measured[]>();
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const ways = Object.keys(WAYS) as Way[];
      for (const way of repeat % 2 ? ways.reverse() : ways) {
        const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), '--child', way, database.url, user.id, String(cam.id)]);
        runs.set(way, [...(runs.get(way) ?? []), JSON.parse(stdout.trim().split('\n').at(-1)!) as Measured]);
        console.log(`${way}: ${stdout.trim().split('\n').at(-1)}`);
      }
    }
    const machine = describeMachine();
    const lines = [
      '# Garbage collection of a read, by the way pg is asked',
      '',
      `Run of ${new Date().toISOString()}; ${machine.cpu}, ${machine.cores} cores; Node ${process.version}; PostgreSQL ${database.serverVersion} (${database.source}); pg ${installedVersions().pg}, kysely ${kyselyVersion()}.`,
      '',
      `\`node bench/gc-of-pg-promises.ts\`: one cam with its 360-point profile, read ${READS.toLocaleString('en-US')} times in a row on one connection after ${WARM_READS.toLocaleString('en-US')} unmeasured reads, each way in a child process of its own, ${REPEATS} times in alternating order; the median of the ${REPEATS} runs. Garbage collection: the time of every collection (\`PerformanceObserver\`, entry type \`gc\`) during the measured reads.`,
      '',
      '| way | µs per read | GC ms per 10,000 reads | collections | what it is |',
      '| --- | ---: | ---: | ---: | --- |',
      ...(Object.keys(WAYS) as Way[]).map((way) => {
        const measured = runs.get(way)!;
        return `| ${way} | ${median(measured.map((m) => m.microsPerRead)).toFixed(0)} | ${median(measured.map((m) => m.gcMillisPer10k)).toFixed(0)} | ${median(measured.map((m) => m.collections))} | ${WAYS[way]} |`;
      }),
      '',
    ];
    await writeFile(new URL('./results/gc-of-pg-promises.md', import.meta.url), lines.join('\n'));
    console.log(lines.join('\n'));
  } finally {
    await database.drop();
  }
}

async function measure(way: Way, url: string, userId: string, camId: number): Promise<Measured> {
  const values = [userId, camId];
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const client = new pg.Client(url);
  await client.connect();
  const kysely = new Kysely<never>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  const db = connect({ url, pool: { max: 1 } });
  const em = db.fork();
  const read: Record<Way, () => Promise<unknown>> = {
    'pg.Pool#query': () => pool.query(SQL.getCam, values),
    'pg.Client#query, promise': () => client.query(SQL.getCam, values),
    'pg.Client#query, callback': () => new Promise((resolve, reject) => client.query(SQL.getCam, values, (error, result) => (error ? reject(error) : resolve(result)))),
    'Kysely on a pg.Pool': () => kysely.executeQuery(CompiledQuery.raw(SQL.getCam, values)),
    "Kysely on the package's pool": () => em.getKysely().executeQuery(CompiledQuery.raw(SQL.getCam, values)),
    'db.cams.get': () => db.cams.get(userId, camId),
  };
  try {
    for (let i = 0; i < WARM_READS; i++) await read[way]();
    let gcMillis = 0;
    let collections = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gcMillis += entry.duration;
        collections++;
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    const started = performance.now();
    for (let i = 0; i < READS; i++) await read[way]();
    const elapsed = performance.now() - started;
    // Observers are told on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 20));
    observer.disconnect();
    return { way, microsPerRead: (elapsed * 1000) / READS, gcMillisPer10k: (gcMillis * 10_000) / READS, collections };
  } finally {
    await Promise.all([pool.end(), client.end(), kysely.destroy(), db.close()]);
  }
}

function kyselyVersion(): string {
  return (JSON.parse(readFileSync(new URL('../node_modules/kysely/package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
