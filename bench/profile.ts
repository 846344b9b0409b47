// `npm run bench:profile`: where the time of one call goes, for the package and for raw `pg` sending the benchmark's
// SQL. Each single-call scenario runs on one connection in this process alone, profiled by V8's sampling profiler
// (`node:inspector`), and every sample is charged to the code it was in: the package, MikroORM, Kysely, zod, pg,
// Node itself, garbage collection, or idle (waiting for the server). Writes bench/results/profile.md.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { analyzeProfile, connect, type Database } from '../src/index.ts';
import { randomCam } from './data/lobe.ts';
import { seededRandom } from './data/random.ts';
import { camParameters, inTransaction } from './libraries/raw-pg.ts';
import { SQL } from './libraries/raw-pg-sql.ts';
import { createBenchDatabase } from './postgres.ts';
import { describeMachine } from './report/machine.ts';

const CALLS = 5_000;
const WARM_UP = 2_000;
/** Sampling interval of the profiler, µs: fine enough for calls of a few hundred µs. */
const SAMPLE_MICROS = 50;
/** Rounds timed without the profiler, each `CALLS / 2` calls of ours and of raw pg, in turns. */
const PLAIN_ROUNDS = 7;
/** How many of the busiest functions each scenario lists. */
const TOP_FUNCTIONS = 12;

interface Target {
  userId: string;
  projectId: number;
  camId: number;
}

interface Scenario {
  name: string;
  /** A write whose rows stay: run a fraction of the calls, `1 / divisor`, so the tables stay small. */
  callsDivisor?: number;
  ours: (db: Database, target: Target) => Promise<unknown>;
  raw: (pool: pg.Pool, target: Target) => Promise<unknown>;
}

const rows = async (pool: pg.Pool, sql: string, values: unknown[]) => (await pool.query(sql, values)).rows;
let version = 1;
const NEW_CAMS = [4, 5, 6].map((n) => randomCam(seededRandom(n), `New cam ${n}`));

const SCENARIOS: Scenario[] = [
  {
    name: 'get one cam with its profile',
    ours: (db, { userId, camId }) => db.cams.get(userId, camId),
    raw: async (pool, { userId, camId }) => {
      const [row] = await rows(pool, SQL.getCam, [userId, camId]);
      return { ...row, profileAnalysis: row.profilePoints ? analyzeProfile(row.profilePoints) : null };
    },
  },
  {
    name: 'get one project with its cams',
    ours: (db, { userId, projectId }) => db.projects.get(userId, projectId, { withCams: true }),
    raw: (pool, { userId, projectId }) => rows(pool, SQL.getProject, [userId, projectId]),
  },
  {
    name: 'page of projects',
    ours: (db, { userId }) => db.projects.list(userId, { limit: 50 }),
    raw: (pool, { userId }) => rows(pool, SQL.listProjects, [userId, 51]),
  },
  {
    // As the benchmark's update-cam: a new duration at the version the caller read.
    name: 'update one cam with expectedVersion',
    ours: (db, { userId, camId }) => db.cams.update(userId, camId, { duration: 240 + (version % 60) }, { expectedVersion: version++ }),
    raw: async (pool, { userId, camId }) => {
      const [row] = await rows(pool, SQL.updateDuration, [userId, camId, 240 + (version % 60), version++]);
      return { ...row, profileAnalysis: row.profilePoints ? analyzeProfile(row.profilePoints) : null };
    },
  },
  {
    // As the benchmark's create-project: three profiled cams into a new project, in one transaction.
    name: 'create a project with 3 cams in one transaction',
    callsDivisor: 5,
    ours: (db, { userId }) =>
      db.transaction(async (tx) => {
        const project = await tx.projects.create(userId, { name: 'Profiled write' });
        return { ...project, cams: await tx.cams.createMany(userId, project.id, NEW_CAMS) };
      }),
    raw: (pool, { userId }) =>
      inTransaction(pool, async (client) => {
        const [project] = (await client.query(SQL.insertProject, [userId, 'Profiled write'])).rows;
        const written = await client.query(SQL.insertCamsIntoNewProject(NEW_CAMS.length), [userId, project.id, ...camParameters(NEW_CAMS)]);
        return { ...project, cams: written.rows.sort((a, b) => a.id - b.id) };
      }),
  },
];

type Category = 'package' | 'MikroORM' | 'Kysely' | 'zod' | 'pg' | 'Node' | 'garbage collection' | 'idle' | 'other';
const CATEGORIES: Category[] = ['package', 'MikroORM', 'Kysely', 'zod', 'pg', 'Node', 'garbage collection', 'other', 'idle'];

function categoryOf(url: string, functionName: string): Category {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (url.includes('/node_modules/@mikro-orm/')) return 'MikroORM';
  if (url.includes('/node_modules/kysely/')) return 'Kysely';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (/\/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+)\//.test(url)) return 'pg';
  if (url.includes('/src/')) return 'package';
  if (url.startsWith('node:') || url === '' || functionName === '(program)') return 'Node';
  return 'other';
}

interface Profiled {
  /** Wall time per call, µs. */
  total: number;
  byCategory: Map<Category, number>;
  /** Self time per call of each function, µs, keyed by `name (file:line)`. */
  byFunction: Map<string, number>;
}

const shortUrl = (url: string) => url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/');

type Side = 'prepared' | 'ours' | 'raw';

/** µs per call of each, without the profiler: the median of rounds in which they take turns, the order rotating. */
async function timedInTurns(calls: Record<Side, () => Promise<unknown>>, count: number): Promise<Record<Side, number>> {
  const sides: Side[] = ['prepared', 'ours', 'raw'];
  const perCall: Record<Side, number[]> = { prepared: [], ours: [], raw: [] };
  for (let round = 0; round < PLAIN_ROUNDS; round++) {
    for (const side of [...sides.slice(round % 3), ...sides.slice(0, round % 3)]) {
      const call = calls[side];
      const started = performance.now();
      for (let i = 0; i < count; i++) await call();
      perCall[side].push(((performance.now() - started) * 1000) / count);
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { prepared: median(perCall.prepared), ours: median(perCall.ours), raw: median(perCall.raw) };
}

/** Microseconds per call spent in each category while `calls` calls ran. */
async function profiled(session: Session, calls: number, call: () => Promise<unknown>): Promise<Profiled> {
  await session.post('Profiler.start');
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call();
  const elapsed = performance.now() - started;
  const { profile } = await session.post('Profiler.stop');
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byCategory = new Map<Category, number>();
  const byFunction = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((nodeId, index) => {
    const frame = byNode.get(nodeId);
    const category = frame ? categoryOf(frame.url, frame.functionName) : 'other';
    // A sample stands for the time until the next one.
    const micros = (deltas[index + 1] ?? SAMPLE_MICROS) / calls;
    byCategory.set(category, (byCategory.get(category) ?? 0) + micros);
    if (frame && category !== 'idle') {
      const name = `${frame.functionName || '(anonymous)'} (${shortUrl(frame.url) || 'native'}:${frame.lineNumber + 1})`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    }
  });
  return { total: (elapsed * 1000) / calls, byCategory, byFunction };
}

const database = await createBenchDatabase();
// The package's own work is profiled like for like: its statements unnamed, parsed at each call as raw pg's are. The
// default, prepared statements, is timed beside it.
const db = connect({ url: database.url, pool: { max: 1 }, preparedStatements: false });
const prepared = connect({ url: database.url, pool: { max: 1 } });
const pool = new pg.Pool({ connectionString: database.url, max: 1 });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: SAMPLE_MICROS });
const lines: string[] = [];
const summary: string[] = [];
try {
  const user = await db.users.upsert({ id: 'user_profiled', email: 'profiled@example.com' });
  const project = await db.projects.create(user.id, { name: 'Profiled' });
  const cams = await db.cams.createMany(user.id, project.id, [1, 2, 3].map((n) => randomCam(seededRandom(n), `Cam ${n}`)));
  for (let n = 0; n < 49; n++) await db.projects.create(user.id, { name: `Other ${n}` });
  const target: Target = { userId: user.id, projectId: project.id, camId: cams[0]!.id };

  lines.push(
    '# Where the time of one call goes',
    '',
    `Run of ${new Date().toISOString()} (\`npm run bench:profile\`). Machine: ${describeMachine().cpu}, ${describeMachine().cores} cores; Node ${process.version}; PostgreSQL ${database.serverVersion} (${database.source}), same machine, over loopback.`,
    '',
    `Each scenario on one connection, in this process alone: ${WARM_UP.toLocaleString('en-US')} calls to warm up, then ${CALLS.toLocaleString('en-US')} calls of the package with its statements unnamed (\`preparedStatements: false\`, as raw pg sends them) and of raw \`pg\` (the benchmark's SQL) under V8's sampling profiler (every ${SAMPLE_MICROS} µs), the two alternating twice; each sample is charged to the code it was in. µs per call, the lower of the two passes. "idle" is the process waiting for the server: PostgreSQL's own time and the round trip.`,
    '',
  );
  for (const scenario of SCENARIOS) {
    const ours = () => scenario.ours(db, target);
    const raw = () => scenario.raw(pool, target);
    const byName = () => scenario.ours(prepared, target);
    const [calls, warmUp] = [CALLS, WARM_UP].map((count) => count / (scenario.callsDivisor ?? 1)) as [number, number];
    for (let i = 0; i < warmUp; i++) await ours();
    for (let i = 0; i < warmUp; i++) await raw();
    for (let i = 0; i < warmUp; i++) await byName();
    const plain = await timedInTurns({ prepared: byName, ours, raw }, calls / 2);
    summary.push(
      `| ${scenario.name} | ${plain.ours.toFixed(0)} | ${plain.raw.toFixed(0)} | ${(plain.ours - plain.raw).toFixed(0)} | ${(plain.raw / plain.ours).toFixed(2)} | ` +
        `${plain.prepared.toFixed(0)} | ${(plain.raw / plain.prepared).toFixed(2)} |`,
    );
    const passes = { ours: [] as Profiled[], raw: [] as Profiled[] };
    for (let pass = 0; pass < 2; pass++) {
      passes.ours.push(await profiled(session, calls, ours));
      passes.raw.push(await profiled(session, calls, raw));
    }
    const best = (runs: Profiled[]) => runs.reduce((a, b) => (a.total <= b.total ? a : b));
    const [oursBest, rawBest] = [best(passes.ours), best(passes.raw)];
    lines.push(`## ${scenario.name}`, '', ...(scenario.callsDivisor ? [`A write whose rows stay: ${calls.toLocaleString('en-US')} calls in each pass, a ${scenario.callsDivisor}th of the others'.`, ''] : []), '| spent in | ours, µs/call | raw pg, µs/call | difference |', '| --- | ---: | ---: | ---: |');
    for (const category of CATEGORIES) {
      const [a, b] = [oursBest.byCategory.get(category) ?? 0, rawBest.byCategory.get(category) ?? 0];
      if (a < 0.5 && b < 0.5) continue;
      lines.push(`| ${category} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a - b).toFixed(0)} |`);
    }
    lines.push(`| **wall time** | **${oursBest.total.toFixed(0)}** | **${rawBest.total.toFixed(0)}** | **${(oursBest.total - rawBest.total).toFixed(0)}** |`, '');
    lines.push(`The busiest functions of the package's call, its dependencies included: self time, µs per call, the ${TOP_FUNCTIONS} largest outside idle, beside the same function's in raw \`pg\`'s call:`, '');
    const top = [...oursBest.byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP_FUNCTIONS);
    lines.push(
      '| function | ours, µs/call | raw pg, µs/call |',
      '| --- | ---: | ---: |',
      ...top.map(([name, micros]) => `| \`${name}\` | ${micros.toFixed(1)} | ${(rawBest.byFunction.get(name) ?? 0).toFixed(1)} |`),
      '',
    );
    console.log(`${scenario.name}: ours ${oursBest.total.toFixed(0)} µs, raw ${rawBest.total.toFixed(0)} µs`);
  }
} finally {
  session.disconnect();
  await pool.end();
  await db.close();
  await prepared.close();
  await database.drop();
}
const [title, ...rest] = lines;
const plainTable = [
  `## Without the profiler`,
  '',
  `The same calls, in this process alone, timed without the profiler: ${PLAIN_ROUNDS} rounds of ${(CALLS / 2).toLocaleString('en-US')} calls of each, taking turns; µs per call, the median round. ` +
    '"ours" sends its statements unnamed, parsed and planned at each call as raw pg\'s are (`preparedStatements: false`): ' +
    'ours − raw is the package\'s own time. "prepared" is the default, its statements sent by name, parsed and planned ' +
    'once per connection.',
  '',
  '| call | ours, µs | raw pg, µs | ours − raw, µs | raw ÷ ours | prepared, µs | raw ÷ prepared |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...summary,
  '',
];
await writeFile(new URL('./results/profile.md', import.meta.url), `${[title, ...rest.slice(0, 5), ...plainTable, ...rest.slice(5)].join('\n')}\n`);
console.log('wrote bench/results/profile.md');
