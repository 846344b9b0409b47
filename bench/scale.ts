// `npm run bench:scale [-- --size 10000,10000000]`: every service call timed on installations of each size (cams),
// with the plan and buffers of each of its statements; writes bench/results/scale.md and scale.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connect } from '../src/index.ts';
import { databaseUrl, startPostgresServer } from '../test/support/postgres-server.ts';
import { describeMachine } from './report/machine.ts';
import { SCALE_CALLS } from './scale/calls.ts';
import { loadScale } from './scale/load.ts';
import { explain, statementsSentBy } from './scale/plans.ts';
import { renderScaleReport, type ScaleResults, type SizeResult } from './scale/report.ts';

const { values } = parseArgs({ options: { size: { type: 'string', default: '10000,10000000' } } });
const sizes = values.size.split(',').map((size) => Number(size.replaceAll('_', '')));
if (sizes.some((size) => !Number.isInteger(size) || size < 10_000)) {
  console.error('usage: npm run bench:scale -- --size <cams>[,<cams>...]   (each at least 10000)');
  process.exit(2);
}

const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${message}`);
const server = await startPostgresServer();
const admin = new pg.Client(server.adminUrl);
await admin.connect();
const [{ version }] = (await admin.query<{ version: string }>(`select current_setting('server_version') as version`)).rows as [{ version: string }];
log(`PostgreSQL ${version} from ${server.source}; sizes: ${sizes.map((size) => size.toLocaleString('en-US')).join(', ')} cams`);

const results: SizeResult[] = [];
try {
  for (const size of sizes) {
    const name = `ecp_scale_${size}_${process.pid}`;
    await admin.query(`create database ${name}`);
    const url = databaseUrl(server.adminUrl, name);
    const db = connect({ url, pool: { max: 1 } });
    try {
      await db.migrate();
      const data = await loadScale(url, size);
      const [{ bytes }] = (await admin.query<{ bytes: string }>(`select pg_database_size($1) as bytes`, [name])).rows as [{ bytes: string }];
      log(`${size.toLocaleString('en-US')} cams: loaded ${data.users} users, ${data.projects} projects, ${data.cams} cams in ${data.loadSeconds.toFixed(0)} s (${(Number(bytes) / 2 ** 30).toFixed(2)} GiB)`);
      const calls: SizeResult['calls'] = [];
      for (const call of SCALE_CALLS) {
        const context = await call.prepare?.(db, data);
        // Warm: the connection, the statement's shape, the pages it reads.
        for (let index = 0; index < 5 && !call.writes; index++) await call.run(db, data, context, index);
        const sent = await statementsSentBy(() => call.run(db, data, context, call.times));
        const plans = await explain(url, sent);
        const millis: number[] = [];
        for (let iteration = 0; iteration < call.times; iteration++) {
          const before = performance.now();
          await call.run(db, data, context, iteration);
          millis.push(performance.now() - before);
        }
        millis.sort((a, b) => a - b);
        calls.push({ name: call.name, medianMillis: millis[Math.floor(millis.length / 2)]!, statements: plans });
      }
      log(`${size.toLocaleString('en-US')} cams: ${calls.map((call) => `${call.name} ${call.medianMillis.toFixed(2)} ms`).join('; ')}`);
      results.push({ cams: data.cams, projects: data.projects, users: data.users, loadSeconds: data.loadSeconds, databaseBytes: Number(bytes), calls });
    } finally {
      await db.close();
      await admin.query(`drop database if exists ${name} with (force)`);
    }
  }
} finally {
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
