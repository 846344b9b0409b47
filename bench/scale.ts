// `npm run bench:scale [-- --size 10000,10000000]`: every service call timed on installations of each size (cams),
// with the plan and buffers of each of its statements; writes bench/results/scale.md and scale.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connect, type Database } from '../src/index.ts';
import { databaseUrl, startPostgresServer } from '../test/support/postgres-server.ts';
import { percentile } from './measure/timing.ts';
import { describeMachine } from './report/machine.ts';
import { SCALE_CALLS } from './scale/calls.ts';
import { measureEndUserReads, type EndUserRead } from './scale/end-users.ts';
import { loadScale, type ScaleData } from './scale/load.ts';
import { explain, statementsSentBy, type StatementPlan } from './scale/plans.ts';
import { renderScaleReport, type ScaleResults, type SizeResult } from './scale/report.ts';

const USAGE = 'usage: npm run bench:scale -- --size <cams>[,<cams>...]   (each at least 10000; default 10000,10000000)';
const { values } = parseArgs({ options: { size: { type: 'string', default: '10000,10000000' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const sizes = values.size.split(',').map((size) => Number(size.replaceAll('_', '')));
if (sizes.some((size) => !Number.isInteger(size) || size < 10_000)) {
  console.error(USAGE);
  process.exit(2);
}

const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${message}`);
const server = await startPostgresServer();
const admin = new pg.Client(server.adminUrl);
await admin.connect();
const [{ version }] = (await admin.query<{ version: string }>(`select current_setting('server_version') as version`)).rows as [{ version: string }];
log(`PostgreSQL ${version} from ${server.source}; sizes: ${sizes.map((size) => size.toLocaleString('en-US')).join(', ')} cams`);

/** Timed rounds per call; in each, every size runs its share of the calls, the sizes taking turns call by call. */
const ROUNDS = 5;
/** Untimed calls of a read at each size before its rounds: the connection, the statement's shape, the pages. */
const WARM_UP = 20;

interface Installation {
  name: string;
  url: string;
  db: Database;
  data: ScaleData;
  bytes: number;
}

// Every size is loaded first and stays up, so that each call can be timed at all sizes in the same rounds: drift of
// the machine (a checkpoint, another process) then hits every size alike instead of the one that happened to run then.
const installations: Installation[] = [];
let results: SizeResult[] = [];
try {
  for (const size of sizes) {
    const name = `ecp_scale_${size}_${process.pid}`;
    await admin.query(`create database ${name}`);
    const url = databaseUrl(server.adminUrl, name);
    const db = connect({ url, pool: { max: 1 } });
    // End-user reads on, as a Supabase application would have them: policies for `authenticated` that the package's
    // own calls (as the tables' owner) never evaluate.
    await admin.query(`do $$ begin create role authenticated nologin; exception when duplicate_object then null; end $$`);
    await db.migrate({ endUsers: {} });
    const data = await loadScale(url, size);
    // The load leaves its pages dirty: written out now, not by the checkpointer while calls are timed.
    await admin.query('checkpoint');
    const [{ bytes }] = (await admin.query<{ bytes: string }>(`select pg_database_size($1) as bytes`, [name])).rows as [{ bytes: string }];
    installations.push({ name, url, db, data, bytes: Number(bytes) });
    log(`${size.toLocaleString('en-US')} cams: loaded ${data.users} users, ${data.projects} projects, ${data.cams} cams in ${data.loadSeconds.toFixed(0)} s (${(Number(bytes) / 2 ** 30).toFixed(2)} GiB)`);
  }
  // End users first, while each user still has the rows the load gave them (the timed writes add projects).
  const endUserReads: EndUserRead[][] = [];
  for (const { url, data } of installations) endUserReads.push(await measureEndUserReads(url, data));
  log(`end-user reads: ${installations.map(({ data }, index) => endUserReads[index]!.map((read) => `${read.user} ${read.medianMillis.toFixed(2)} ms`).join(', ') + ` at ${data.cams.toLocaleString('en-US')}`).join('; ')}`);
  const calls = installations.map(() => [] as SizeResult['calls']);
  for (const call of SCALE_CALLS) {
    const contexts = await Promise.all(installations.map(({ db, data }) => call.prepare?.(db, data)));
    const millis = installations.map(() => [] as number[]);
    const roundMedians = installations.map(() => [] as number[]);
    const plans: StatementPlan[][] = [];
    for (const [index, { db, data, url }] of installations.entries()) {
      for (let warm = 0; warm < WARM_UP && !call.writes; warm++) await call.run(db, data, contexts[index], warm);
      plans.push(await explain(url, await statementsSentBy(() => call.run(db, data, contexts[index], call.times))));
    }
    const perRound = Math.ceil(call.times / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      const timed = installations.map(() => [] as number[]);
      for (let iteration = round * perRound; iteration < Math.min((round + 1) * perRound, call.times); iteration++) {
        // The sizes take turns call by call, in rotating order: a stall of the machine lasting a few calls lands on
        // every size alike instead of on the block of calls one size happened to be running.
        for (let turn = 0; turn < installations.length; turn++) {
          const index = (iteration + turn) % installations.length;
          const { db, data } = installations[index]!;
          const before = performance.now();
          await call.run(db, data, contexts[index], iteration);
          timed[index]!.push(performance.now() - before);
        }
      }
      for (const index of installations.keys()) {
        millis[index]!.push(...timed[index]!);
        roundMedians[index]!.push(percentile(timed[index]!, 0.5));
      }
    }
    for (const index of installations.keys()) {
      calls[index]!.push({ name: call.name, medianMillis: percentile(millis[index]!, 0.5), roundMedians: roundMedians[index]!, statements: plans[index]! });
    }
    log(`${call.name}: ${installations.map(({ data }, index) => `${percentile(millis[index]!, 0.5).toFixed(2)} ms at ${data.cams.toLocaleString('en-US')}`).join(', ')}`);
  }
  results = installations.map(({ data, bytes }, index) => ({
    cams: data.cams,
    projects: data.projects,
    users: data.users,
    loadSeconds: data.loadSeconds,
    databaseBytes: bytes,
    calls: calls[index]!,
    endUserReads: endUserReads[index]!,
  }));
} finally {
  for (const { db, name } of installations) {
    await db.close();
    await admin.query(`drop database if exists ${name} with (force)`);
  }
  await admin.end();
  await server.stop();
}

const report: ScaleResults = {
  date: new Date().toISOString(),
  seconds: (performance.now() - started) / 1000,
  machine: describeMachine(),
  serverVersion: version,
  serverSource: server.source,
  sizes: results,
};
const dir = new URL('./results/', import.meta.url);
await mkdir(dir, { recursive: true });
await writeFile(new URL('scale.json', dir), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(new URL('scale.md', dir), renderScaleReport(report));
log('wrote bench/results/scale.md and scale.json');
