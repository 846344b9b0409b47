// `node --expose-gc bench/bulk-paths.ts`: the ways of writing many cams with 360-point profiles into one project, on
// one connection, by number of cams: (a) the benchmark's raw `pg` library (one multi-row INSERT with the owner's check),
// (b) its COPY library (BEGIN, owner, ids, COPY straight into `cams`, summaries, COMMIT), (c) the staging path as SQL
// alone with `pg` (BEGIN, a temporary table dropped at commit, COPY into it, one INSERT ... SELECT of the staged rows
// with the owner's check and RETURNING, COMMIT), (d) the package's `db.cams.createMany` as the tables' owner and (e) the
// same as a role granted the tables by `migrate({ grantTo, enforceOwnership: true })`. PostgreSQL refuses COPY FROM
// into a table whose row-level security applies to the role, which is why the package copies into a temporary table;
// it takes that path from `COPY_FROM_CAMS` cams on (src/cam/cam-writes.ts), a multi-row INSERT below. Writes
// bench/results/bulk-paths.md.
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { connect, type CamInput, type CamSummaryDto } from '../src/index.ts';
import { randomCam } from './data/lobe.ts';
import { seededRandom } from './data/random.ts';
import { createCopy, escapeField } from './libraries/copy.ts';
import { oursOn } from './libraries/ours.ts';
import { createRawPg, inTransaction } from './libraries/raw-pg.ts';
import { CAM_SUMMARY } from './libraries/raw-pg-sql.ts';
import { createBenchDatabase } from './postgres.ts';
import { describeMachine } from './report/machine.ts';

const SIZES = [10, 25, 50, 100, 400, 1_000];
const ROUNDS = 24;
const WARM_ROUNDS = 4;
/** From this many cams the package takes the staging path (`COPY_FROM_CAMS` in src/cam/cam-writes.ts). */
const PACKAGE_THRESHOLD = 25;

interface Path {
  key: 'a' | 'b' | 'c' | 'd' | 'e';
  title: string;
  createCams(userId: string, projectId: number, cams: CamInput[]): Promise<CamSummaryDto[]>;
  close(): Promise<void>;
}

/** The package's staging table and the statements of its path, written by hand (`src/cam/staged-cams.ts`). */
const STAGING = {
  create: `create temp table if not exists pg_temp.enginecampro_new_cams
           (name text, cam_type text, lift numeric, duration int, profile_points jsonb) on commit drop`,
  copy: 'copy pg_temp.enginecampro_new_cams (name, cam_type, lift, duration, profile_points) from stdin',
  insert: `with staged as (delete from pg_temp.enginecampro_new_cams returning *)
           insert into cams as c (user_id, project_id, name, cam_type, lift, duration, profile_points)
           select projects.user_id, projects.id, staged.name, staged.cam_type, staged.lift, staged.duration, staged.profile_points
           from projects cross join staged where projects.id = $1 and projects.user_id = $2
           returning ${CAM_SUMMARY}`,
};

/** (c): the staging path as SQL alone, on a pool of one connection like (a) and (b). */
function createStagingSql(url: string): Path {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  return {
    key: 'c',
    title: 'staging path, SQL alone',
    createCams: (userId, projectId, cams) =>
      inTransaction(pool, async (client) => {
        await client.query(STAGING.create);
        await pipeline(Readable.from(stagedChunks(cams)), client.query(copyStreams.from(STAGING.copy)));
        const { rows } = await client.query<CamSummaryDto>(STAGING.insert, [projectId, userId]);
        if (rows.length === 0) throw new Error('project not found');
        return rows.sort((a, b) => a.id - b.id);
      }),
    close: () => pool.end(),
  };
}

/** The cams as rows of COPY's text format, 100 to a chunk, as the COPY library and the package send them. */
function* stagedChunks(cams: readonly CamInput[]): Generator<string> {
  for (let start = 0; start < cams.length; start += 100) {
    let chunk = '';
    for (const cam of cams.slice(start, start + 100)) {
      const points = cam.profilePoints ? escapeField(JSON.stringify(cam.profilePoints)) : '\\N';
      chunk += `${escapeField(cam.name)}\t${cam.camType}\t${cam.lift}\t${cam.duration}\t${points}\n`;
    }
    yield chunk;
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
const database = await createBenchDatabase();
const machine = describeMachine();
const lines = [
  '# Ways of writing many cams, by number of cams',
  '',
  `Run of ${new Date().toISOString()}; ${machine.cpu}, ${machine.cores} cores; PostgreSQL ${database.serverVersion} (${database.source}).`,
  '',
  "`node --expose-gc bench/bulk-paths.ts`: each way writes the same cams with 360-point profiles into one project of one user, on one connection, and returns their summaries in input order: " +
    "(a) the benchmark's raw `pg` library, one multi-row INSERT with the owner's check; " +
    '(b) its COPY library, BEGIN, the owner, the ids from the sequence, `COPY` straight into `cams`, the summaries read back, COMMIT; ' +
    '(c) the staging path as SQL alone with `pg`, BEGIN, `create temp table if not exists pg_temp.enginecampro_new_cams (...) on commit drop`, `COPY` into it, one `with staged as (delete ... returning *) insert into cams ... select ... from projects cross join staged where projects.id = $1 and projects.user_id = $2 returning ...`, COMMIT; ' +
    "(d) the package's `db.cams.createMany` connected as the tables' owner; " +
    '(e) the same connected as a role granted the tables by `migrate({ grantTo, enforceOwnership: true })`, so row-level security applies (PostgreSQL refuses `COPY FROM` into such a table: this is why the package copies into a temporary table). ' +
    `The package writes ${PACKAGE_THRESHOLD} cams or more by the staging path, fewer with one multi-row INSERT (\`COPY_FROM_CAMS\` in src/cam/cam-writes.ts). ` +
    `The ways take turns, the order rotating each round, ${ROUNDS - WARM_ROUNDS} timed rounds after ${WARM_ROUNDS} warm-up rounds; ` +
    `${gc ? 'a full garbage collection (untimed) before each write; ' : ''}every result is checked and the cams counted (by project and owner) and deleted after each write, untimed. ` +
    'The median wall time of one write is reported.',
  '',
];

const admin = new pg.Client(database.url);
const paths: Path[] = [];
try {
  await admin.connect();
  const setup = connect({ url: database.url });
  const user = await setup.users.upsert({ id: 'bulk_paths_user', email: 'bulk-paths@example.com' });
  const project = await setup.projects.create(user.id, { name: 'Bulk paths' });
  await setup.close();
  const random = seededRandom(7);
  const cams = Array.from({ length: Math.max(...SIZES) }, (_, index) => randomCam(random, `Lobe ${index}`));

  const ours = (url: string, key: 'd' | 'e', title: string): Path => {
    const library = oursOn(connect({ url, pool: { max: 1 } }), key === 'd' ? 'ours' : 'ours-granted');
    return { key, title, createCams: library.createCams, close: library.close };
  };
  const rawPg = createRawPg({ url: database.url, poolSize: 1 });
  const copy = createCopy({ url: database.url, poolSize: 1 });
  paths.push(
    { key: 'a', title: 'multi-row INSERT (raw pg)', createCams: rawPg.createCams, close: rawPg.close },
    { key: 'b', title: 'COPY into cams', createCams: copy.createCams, close: copy.close },
    createStagingSql(database.url),
    ours(database.url, 'd', 'createMany, owner'),
  );
  const granted = database.grantedUrl;
  if (typeof granted === 'string') paths.push(ours(granted, 'e', 'createMany, granted role'));
  else lines.push(`(e) could not run: ${granted.unavailable}.`, '');

  /** Median ms by size and path, and the ratio of (c) to (a) in each round. */
  const medians = new Map<number, Map<Path['key'], number>>();
  const stagingToInsertByRound = new Map<number, number[]>();
  for (const size of SIZES) {
    const batch = cams.slice(0, size);
    const times = new Map<Path['key'], number[]>(paths.map((path) => [path.key, []]));
    const byRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const timed = new Map<Path['key'], number>();
      for (let turn = 0; turn < paths.length; turn++) {
        const path = paths[(turn + round) % paths.length]!;
        gc?.();
        const started = performance.now();
        const written = await path.createCams(user.id, project.id, batch);
        const millis = performance.now() - started;
        if (written.length !== size || written.some((cam, index) => cam.name !== batch[index]!.name || cam.projectId !== project.id)) {
          throw new Error(`(${path.key}) did not return the ${size} cams in input order`);
        }
        const [{ n }] = (await admin.query<{ n: number }>('select count(*)::int as n from cams where project_id = $1 and user_id = $2', [project.id, user.id])).rows as [{ n: number }];
        if (n !== size) throw new Error(`(${path.key}) wrote ${n} cams of the user, not ${size}`);
        await admin.query('delete from cams where project_id = $1', [project.id]);
        if (round >= WARM_ROUNDS) {
          times.get(path.key)!.push(millis);
          timed.set(path.key, millis);
        }
      }
      if (round >= WARM_ROUNDS) byRound.push(timed.get('c')! / timed.get('a')!);
    }
    const sizeMedians = new Map([...times].map(([key, values]) => [key, median(values)] as const));
    medians.set(size, sizeMedians);
    stagingToInsertByRound.set(size, byRound);
    console.log(`${size} cams: ${paths.map((path) => `(${path.key}) ${sizeMedians.get(path.key)!.toFixed(1)} ms`).join(', ')}`);
  }

  const header = `| cams | ${paths.map((path) => `(${path.key}) ${path.title}`).join(' | ')} |`;
  const rule = `| ---: | ${paths.map(() => '---:').join(' | ')} |`;
  lines.push('## Median time of one write, ms', '', header, rule);
  for (const size of SIZES) lines.push(`| ${size.toLocaleString('en-US')} | ${paths.map((path) => medians.get(size)!.get(path.key)!.toFixed(1)).join(' | ')} |`);
  lines.push('', '## As a multiple of (b), COPY into cams', '', header, rule);
  for (const size of SIZES) {
    const copyMillis = medians.get(size)!.get('b')!;
    lines.push(`| ${size.toLocaleString('en-US')} | ${paths.map((path) => `${(medians.get(size)!.get(path.key)! / copyMillis).toFixed(2)}×`).join(' | ')} |`);
  }

  lines.push(
    '',
    `## The package's threshold of ${PACKAGE_THRESHOLD} cams`,
    '',
    'Below the threshold the package sends the multi-row INSERT, from it on the staging path: the question is from how many cams (c) takes less time than (a). ' +
      '"by round" is the ratio of the two writes of each timed round, the lowest and the highest: how far a single measurement moves.',
    '',
    `| cams | (c) ÷ (a) | (c) ÷ (a) by round | the package's path | (d) ÷ (a) |${paths.some((path) => path.key === 'e') ? ' (e) ÷ (d) |' : ''}`,
    `| ---: | ---: | ---: | --- | ---: |${paths.some((path) => path.key === 'e') ? ' ---: |' : ''}`,
  );
  const ratio = (size: number, of: Path['key'], to: Path['key']) => medians.get(size)!.get(of)! / medians.get(size)!.get(to)!;
  for (const size of SIZES) {
    const rounds = stagingToInsertByRound.get(size)!;
    lines.push(
      `| ${size.toLocaleString('en-US')} | ${ratio(size, 'c', 'a').toFixed(2)}× | ${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}× | ${size >= PACKAGE_THRESHOLD ? 'staging' : 'INSERT'} | ` +
        `${ratio(size, 'd', 'a').toFixed(2)}× |${paths.some((path) => path.key === 'e') ? ` ${ratio(size, 'e', 'd').toFixed(2)}× |` : ''}`,
    );
  }
  lines.push('', verdict(SIZES.map((size) => ({ size, ratio: ratio(size, 'c', 'a'), rounds: stagingToInsertByRound.get(size)! }))), '');
} finally {
  for (const path of paths) await path.close();
  await admin.end();
  await database.drop();
}
await writeFile(new URL('./results/bulk-paths.md', import.meta.url), lines.join('\n'));
console.log('wrote bench/results/bulk-paths.md');

/** What the figures say of the threshold: the smallest size from which the staging path beats the INSERT at every size. */
function verdict(sizes: { size: number; ratio: number; rounds: number[] }[]): string {
  const at = (size: number) => sizes.find((entry) => entry.size === size)!;
  const from = sizes.find((entry, index) => sizes.slice(index).every((later) => later.ratio < 1));
  const threshold = at(PACKAGE_THRESHOLD);
  const below = sizes.filter((entry) => entry.size < PACKAGE_THRESHOLD);
  const describe = ({ size, ratio, rounds }: { size: number; ratio: number; rounds: number[] }) =>
    `${ratio.toFixed(2)}× at ${size.toLocaleString('en-US')} cams (single rounds ${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}×)`;
  const straddles = (entry: { rounds: number[] }) => Math.min(...entry.rounds) < 1 && Math.max(...entry.rounds) > 1;
  const figures = `The staging path (c) took ${sizes.map(describe).join(', ')} of the multi-row INSERT's (a) time.`;
  if (!from) return `${figures} It is not faster than the INSERT at every size from some count on: these measurements do not support a threshold of ${PACKAGE_THRESHOLD}.`;
  if (from.size === PACKAGE_THRESHOLD && below.every((entry) => entry.ratio >= 1)) {
    return (
      `${figures} It is slower below ${PACKAGE_THRESHOLD} cams and faster from ${PACKAGE_THRESHOLD} on: the measurements support the threshold of ${PACKAGE_THRESHOLD}` +
      (straddles(threshold) ? `, though at ${PACKAGE_THRESHOLD} cams single rounds fall on both sides of 1, so the gain there is within the noise of one write.` : '.')
    );
  }
  if (from.size < PACKAGE_THRESHOLD) {
    return `${figures} It is already faster at ${from.size} cams: the measurements do not support a threshold as high as ${PACKAGE_THRESHOLD}; the staging path would pay from ${from.size} cams or fewer.`;
  }
  return (
    `${figures} At ${PACKAGE_THRESHOLD} cams it is ${threshold.ratio < 1 ? 'faster, but not at every larger size' : 'slower'}, and faster at every size only from ${from.size} cams on: ` +
    `the measurements do not support the threshold of ${PACKAGE_THRESHOLD} for the staging path; they put it between ${sizes[sizes.indexOf(from) - 1]!.size} and ${from.size.toLocaleString('en-US')} cams` +
    (straddles(threshold) ? ` (at ${PACKAGE_THRESHOLD} cams single rounds fall on both sides of 1).` : '.')
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
