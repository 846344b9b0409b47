// `node bench/copy-threshold.ts`: from how many cams COPY beats a multi-row INSERT, the SQL alone (the raw `pg` and
// COPY libraries of the benchmark, no package code), on one connection and with 8 callers on 4; writes
// bench/results/copy-threshold.md. The package streams cams with COPY from the count where COPY starts to win.
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { connect } from '../src/index.ts';
import { randomCam } from './data/lobe.ts';
import { seededRandom } from './data/random.ts';
import { createCopy } from './libraries/copy.ts';
import type { BulkOperations } from './libraries/library.ts';
import { createRawPg } from './libraries/raw-pg.ts';
import { createBenchDatabase } from './postgres.ts';
import { describeMachine } from './report/machine.ts';

const SIZES = [10, 25, 50, 100, 200, 400];
const ROUNDS = 24;
const WARM_ROUNDS = 4;
const MODES = [
  { title: 'one connection, one caller', callers: 1, poolSize: 1 },
  { title: 'pool of 4 connections, 8 concurrent callers', callers: 8, poolSize: 4 },
];

const database = await createBenchDatabase();
const lines = [
  '# COPY against a multi-row INSERT, by number of cams',
  '',
  `Run of ${new Date().toISOString()}; ${describeMachine().cpu}, ${describeMachine().cores} cores; PostgreSQL ${database.serverVersion} (${database.source}).`,
  '',
  `\`node bench/copy-threshold.ts\`: the benchmark's raw \`pg\` library (one multi-row INSERT with the owner's check) and its COPY library (BEGIN, owner, ids, COPY, summaries, COMMIT) write the same cams with 360-point profiles into one project, taking turns, ${ROUNDS - WARM_ROUNDS} timed rounds after ${WARM_ROUNDS} warm-up rounds; the median wall time of one round (every caller writing once) is reported.`,
  '',
];
const admin = new pg.Client(database.url);
try {
  await admin.connect();
  const setup = connect({ url: database.url });
  const user = await setup.users.upsert({ id: 'threshold_user', email: 'threshold@example.com' });
  const project = await setup.projects.create(user.id, { name: 'Threshold' });
  await setup.close();
  const random = seededRandom(7);
  const cams = Array.from({ length: Math.max(...SIZES) }, (_, index) => randomCam(random, `Lobe ${index}`));

  for (const mode of MODES) {
    const libraries: [string, BulkOperations & { close(): Promise<void> }][] = [
      ['INSERT', createRawPg({ url: database.url, poolSize: mode.poolSize })],
      ['COPY', createCopy({ url: database.url, poolSize: mode.poolSize })],
    ];
    lines.push(`## ${mode.title}`, '', '| cams | INSERT, ms | COPY, ms | COPY ÷ INSERT |', '| ---: | ---: | ---: | ---: |');
    try {
      for (const size of SIZES) {
        const times = new Map<string, number[]>(libraries.map(([name]) => [name, []]));
        for (let round = 0; round < ROUNDS; round++) {
          for (const [name, library] of round % 2 ? libraries : [...libraries].reverse()) {
            const started = performance.now();
            await Promise.all(Array.from({ length: mode.callers }, () => library.createCams(user.id, project.id, cams.slice(0, size))));
            if (round >= WARM_ROUNDS) times.get(name)!.push(performance.now() - started);
            await admin.query('delete from cams where project_id = $1', [project.id]);
          }
        }
        const [insert, copy] = ['INSERT', 'COPY'].map((name) => median(times.get(name)!)) as [number, number];
        lines.push(`| ${size} | ${insert.toFixed(1)} | ${copy.toFixed(1)} | ${(copy / insert).toFixed(2)} |`);
        console.log(`${mode.title}, ${size} cams: INSERT ${insert.toFixed(1)} ms, COPY ${copy.toFixed(1)} ms`);
      }
    } finally {
      for (const [, library] of libraries) await library.close();
    }
    lines.push('');
  }
} finally {
  await admin.end();
  await database.drop();
}
await writeFile(new URL('./results/copy-threshold.md', import.meta.url), lines.join('\n'));
console.log('wrote bench/results/copy-threshold.md');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
