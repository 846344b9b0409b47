/**
 * `npm run bench:citus`: what a call costs on rows distributed by user (`db.distribute()`) against the same call on one
 * server, both on a loopback Citus cluster (a coordinator and two workers from `../shared/citus`, started here): the
 * single server is a schema of plain tables on the coordinator, the distributed installation a schema distributed by
 * user, with the same users, projects and cams. Each call is timed on one connection, the two installations in turns,
 * and where Citus runs each statement is read from its plans. Writes `bench/results/citus.md`; prints why and writes
 * nothing where Citus cannot be had.
 *
 * One machine cannot show what a cluster is for: the three servers share its cores, so the figures are the latency a
 * call pays for the coordinator's hop to a worker, not the throughput of more machines.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import { connect, type Database } from '../src/index.ts';
import { CitusUnavailable, startCitusCluster } from '../test/citus/cluster.ts';
import { placementsOf, statementsSentBy, type StatementPlacement } from '../test/citus/plans.ts';
import { camInput } from '../test/support/fixtures.ts';
import { percentile } from './measure/timing.ts';

const USERS = 200;
const CAMS_PER_PROJECT = 20;
const ROUNDS = Number(process.env.BENCH_CITUS_ROUNDS ?? 7);
const CALLS_PER_ROUND = Number(process.env.BENCH_CITUS_CALLS ?? 200);

interface Seeded {
  db: Database;
  users: { id: string; email: string; project: number; cam: number }[];
}

/** Each scenario: one call about the `i`-th user. */
const SCENARIOS: [string, (seeded: Seeded, i: number) => Promise<unknown>][] = [
  ['users.get', ({ db, users }, i) => db.users.get(users[i % USERS]!.id)],
  ['users.getByEmail', ({ db, users }, i) => db.users.getByEmail(users[i % USERS]!.email)],
  ['users.upsert, unchanged (a sign-in)', ({ db, users }, i) => db.users.upsert({ id: users[i % USERS]!.id, email: users[i % USERS]!.email })],
  ['users.getWithProjects', ({ db, users }, i) => db.users.getWithProjects(users[i % USERS]!.email)],
  ['projects.get with 20 cams', ({ db, users }, i) => db.projects.get(users[i % USERS]!.id, users[i % USERS]!.project, { withCams: true })],
  ['projects.list', ({ db, users }, i) => db.projects.list(users[i % USERS]!.id)],
  ['cams.get', ({ db, users }, i) => db.cams.get(users[i % USERS]!.id, users[i % USERS]!.cam)],
  ['cams.update', ({ db, users }, i) => db.cams.update(users[i % USERS]!.id, users[i % USERS]!.cam, { name: `Lobe ${i}` })],
  ['cams.create', ({ db, users }, i) => db.cams.create(users[i % USERS]!.id, users[i % USERS]!.project, camInput({ profilePoints: undefined }))],
];

async function seed(url: string, schema: string, admin: pg.Client, distributed: boolean): Promise<Seeded> {
  await admin.query('set citus.enable_schema_based_sharding = off');
  await admin.query(`create schema if not exists ${schema}`);
  const db = connect({ url, schema, pool: { max: 1 } });
  await db.migrate();
  const users: Seeded['users'] = [];
  for (let i = 0; i < USERS; i++) {
    const user = await db.users.upsert({ id: `bench_user_${i}`, email: `bench.${i}@example.com` });
    const project = await db.projects.create(user.id, { name: `Engine ${i}` });
    const cams = await db.cams.createMany(user.id, project.id, Array.from({ length: CAMS_PER_PROJECT }, () => camInput()));
    users.push({ id: user.id, email: user.email, project: project.id, cam: cams[0]!.id });
  }
  if (distributed) await db.distribute();
  await admin.query(`analyze ${schema}.users, ${schema}.projects, ${schema}.cams`);
  // A new handle: it learns the layout as any process started after distribute() does.
  await db.close();
  return { db: connect({ url, schema, pool: { max: 1 } }), users };
}

async function timeCalls(seeded: Seeded, call: (seeded: Seeded, i: number) => Promise<unknown>, offset: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < CALLS_PER_ROUND; i++) {
    const started = process.hrtime.bigint();
    await call(seeded, offset + i);
    times.push(Number(process.hrtime.bigint() - started) / 1_000);
  }
  return times;
}

function describePlacements(placements: StatementPlacement[], workers: number): string {
  return placements
    .map((placement) => {
      if (placement.local) return 'coordinator';
      if (placement.router) return 'router, 1 worker';
      return placement.nodes.length > 0 ? `in steps, ${placement.nodes.length} of ${workers} workers` : 'in steps, via the coordinator';
    })
    .join(' + ');
}

let cluster;
try {
  cluster = await startCitusCluster();
} catch (error) {
  if (!(error instanceof CitusUnavailable)) throw error;
  console.log(`bench:citus: Citus cannot be had here (${error.message}); nothing written`);
  process.exit(0);
}
const admin = new pg.Client(cluster.url);
await admin.connect();
try {
  const { rows: versions } = await admin.query<{ citus: string; server: string }>(
    `select (select extversion from pg_extension where extname = 'citus') as citus, current_setting('server_version') as server`,
  );
  const single = await seed(cluster.url, 'single_server', admin, false);
  const byUser = await seed(cluster.url, 'by_user', admin, true);
  const results: { name: string; single: number[]; byUser: number[]; ratios: number[]; placements: string }[] = [];
  for (const [name, call] of SCENARIOS) {
    // Warm both: the pools' connections and the statements' plans.
    await timeCalls(single, call, 0);
    await timeCalls(byUser, call, 0);
    const result = { name, single: [] as number[], byUser: [] as number[], ratios: [] as number[], placements: '' };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [single, byUser] : [byUser, single];
      const medians = new Map<Seeded, number>();
      for (const seeded of order) medians.set(seeded, percentile(await timeCalls(seeded, call, round * CALLS_PER_ROUND), 0.5));
      result.single.push(medians.get(single)!);
      result.byUser.push(medians.get(byUser)!);
      result.ratios.push(medians.get(byUser)! / medians.get(single)!);
    }
    result.placements = describePlacements(await placementsOf(admin, await statementsSentBy(() => call(byUser, 7))), cluster.workers.length);
    results.push(result);
    console.log(`${name}: one server ${percentile(result.single, 0.5).toFixed(0)} µs, distributed ${percentile(result.byUser, 0.5).toFixed(0)} µs`);
  }
  await single.db.close();
  await byUser.db.close();
  writeFileSync(new URL('results/citus.md', import.meta.url), report(results, versions[0]!, cluster.workers.length));
  console.log('written: bench/results/citus.md');
} finally {
  await admin.end();
  await cluster.stop();
}

function report(results: { name: string; single: number[]; byUser: number[]; ratios: number[]; placements: string }[], versions: { citus: string; server: string }, workers: number): string {
  const µs = (values: number[]) => percentile(values, 0.5).toFixed(0);
  const range = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  return [
    '# One server against rows distributed by user, on a loopback Citus cluster',
    '',
    `\`npm run bench:citus\`, ${new Date().toISOString().slice(0, 10)}: Citus ${versions.citus} on PostgreSQL ${versions.server}, a coordinator and`,
    `${workers} workers on one machine (${cpus().length} cores, ${cpus()[0]?.model.trim()}). The same ${USERS} users, each with a project of`,
    `${CAMS_PER_PROJECT} profiled cams, in two schemas of the coordinator: plain tables there ("one server"), and distributed by user`,
    `(\`db.distribute()\`). Each call on one connection, ${CALLS_PER_ROUND} calls per round about different users, ${ROUNDS} rounds with the two`,
    'installations in turns; the median of the rounds\' medians, and the spread of the per-round ratio.',
    '',
    'The three servers share the machine\'s cores, so this shows what a call pays for the coordinator\'s hop to a worker',
    '(planning on the coordinator, a second connection, a second server\'s work), not the throughput that more machines',
    'add: that needs a cluster of machines. Where each statement runs is read from Citus\'s plans of the same calls.',
    '',
    '| call | one server, µs | distributed, µs | distributed ÷ one server | per round | where Citus runs each statement |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...results.map((result) => `| ${result.name} | ${µs(result.single)} | ${µs(result.byUser)} | ${percentile(result.ratios, 0.5).toFixed(2)} | ${range(result.ratios)} | ${result.placements} |`),
    '',
  ].join('\n');
}
