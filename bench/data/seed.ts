import pg from 'pg';
import type { CamInput } from '../../src/index.ts';
import type { BenchConfig } from '../config.ts';
import { randomCam } from './lobe.ts';
import { integerBetween, seededRandom } from './random.ts';

/** What the scenarios read and write: ids known at seeding time, so every library gets the same picks in the same order. */
export interface BenchData {
  counts: { users: number; projects: number; cams: number };
  /** Owned cams to read, in the order every library reads them. */
  camPicks: { userId: string; camId: number }[];
  projectPicks: { userId: string; projectId: number }[];
  emailPicks: string[];
  /** Cams that the update scenarios change, one set per concurrent caller so they never contend for a row. */
  updatableCams: { userId: string; camId: number }[];
  /** The user with `largeUserProjects` projects, each with 1 to 3 cams: paged lists and the N+1 trap. */
  listUserId: string;
  /** The user who owns the projects of many cams and receives every bulk write. */
  bulkUserId: string;
  /** Projects of that user by their number of cams: one of `largeProjectCams` and one of each bulk size. */
  sourceProjectIds: Record<string, number>;
  /** An empty project that `createMany` fills; emptied after every measured slice. */
  bulkTargetProjectId: number;
}

const PICKS = 2_000;
const UPDATABLE_CAMS = 64;
/** Rows per multi-row INSERT: big enough to amortise round trips, small enough to stream while generating the next. */
const CAM_BATCH = 1_000;

interface ProjectRow { id: number; userId: string; name: string; createdAt: Date }
/** A cam carries its project's owner (`cams.user_id`), as the package writes it. */
interface CamRow { id: number; userId: string; projectId: number; cam: CamInput; createdAt: Date }

/**
 * Fills a freshly migrated database with raw `pg`: one multi-row INSERT ... SELECT FROM unnest(...) per batch (one
 * array parameter per column, so no parameter limit), explicit ids so ownership is known without reading it back,
 * and distinct creation times with microseconds so orderings and timestamps are realistic.
 */
export async function seed(url: string, config: BenchConfig): Promise<BenchData> {
  const random = seededRandom(20_261_124);
  const client = new pg.Client(url);
  // A second connection lets the server parse and compress one batch of profiles on each core.
  const writers = [new pg.Client(url), new pg.Client(url)];
  await Promise.all([client, ...writers].map((c) => c.connect()));
  let clock = Date.UTC(2025, 0, 1);
  const nextTime = () => new Date((clock += integerBetween(random, 1_000, 600_000)));

  const users: { id: string; email: string; createdAt: Date }[] = [];
  const projects: ProjectRow[] = [];
  const camOwners: { userId: string; camId: number }[] = [];
  let camCount = 0;
  let pendingCams: CamRow[] = [];
  // Batches are written while the next ones are generated, at most one in flight per writer connection.
  const writing: Promise<void>[] = writers.map(() => Promise.resolve());
  let batches = 0;
  const flushCams = async () => {
    const slot = batches++ % writers.length;
    await writing[slot];
    if (pendingCams.length > 0) writing[slot] = insertCams(writers[slot]!, pendingCams);
    pendingCams = [];
  };
  const addCams = async (project: ProjectRow, count: number) => {
    for (let i = 0; i < count; i++) {
      const id = ++camCount;
      pendingCams.push({ id, userId: project.userId, projectId: project.id, cam: randomCam(random, `Lobe ${i + 1}`), createdAt: nextTime() });
      camOwners.push({ userId: project.userId, camId: id });
      if (pendingCams.length === CAM_BATCH) await flushCams();
    }
  };
  const addProject = (userId: string, name: string) => {
    const project = { id: projects.length + 1, userId, name, createdAt: nextTime() };
    projects.push(project);
    return project;
  };

  for (let i = 1; i <= config.users; i++) {
    users.push({ id: `user_${i}`, email: `builder${i}@example.com`, createdAt: nextTime() });
  }
  const listUserId = 'user_lists';
  const bulkUserId = 'user_bulk';
  users.push({ id: listUserId, email: 'lists@example.com', createdAt: nextTime() }, { id: bulkUserId, email: 'bulk@example.com', createdAt: nextTime() });
  await insertUsers(client, users);

  const ordinaryProjects: ProjectRow[] = [];
  for (const user of users.slice(0, config.users)) {
    for (let p = 1; p <= config.projectsPerUser; p++) ordinaryProjects.push(addProject(user.id, `Build ${p}`));
  }
  const listProjects = Array.from({ length: config.largeUserProjects }, (_, i) => addProject(listUserId, `Street build ${i + 1}`));
  const sourceSizes = [...new Set([config.largeProjectCams, ...config.bulkSizes])];
  const sources = sourceSizes.map((size) => ({ size, project: addProject(bulkUserId, `Lobe library of ${size}`) }));
  const bulkTarget = addProject(bulkUserId, 'Bulk target');
  await insertProjects(client, projects);

  for (const project of ordinaryProjects) await addCams(project, integerBetween(random, 1, 3));
  const ordinaryCams = camOwners.length;
  for (const project of listProjects) await addCams(project, integerBetween(random, 1, 3));
  for (const { size, project } of sources) await addCams(project, size);
  await flushCams();
  await Promise.all(writing);

  await client.query(`select setval('projects_id_seq', $1), setval('cams_id_seq', $2)`, [projects.length, camCount]);
  await client.query('analyze');
  await Promise.all([client, ...writers].map((c) => c.end()));

  const pick = <T>(from: readonly T[]) => from[integerBetween(random, 0, from.length - 1)]!;
  const ordinaryCamOwners = camOwners.slice(0, ordinaryCams);
  const updatable = new Set<number>();
  while (updatable.size < UPDATABLE_CAMS) updatable.add(integerBetween(random, 0, ordinaryCams - 1));
  return {
    counts: { users: users.length, projects: projects.length, cams: camCount },
    camPicks: Array.from({ length: PICKS }, () => pick(ordinaryCamOwners)),
    projectPicks: Array.from({ length: PICKS }, () => {
      const project = pick(ordinaryProjects);
      return { userId: project.userId, projectId: project.id };
    }),
    emailPicks: Array.from({ length: PICKS }, () => pick(users.slice(0, config.users)).email),
    updatableCams: [...updatable].map((index) => ordinaryCamOwners[index]!),
    listUserId,
    bulkUserId,
    sourceProjectIds: Object.fromEntries(sources.map(({ size, project }) => [size, project.id])),
    bulkTargetProjectId: bulkTarget.id,
  };
}

async function insertUsers(client: pg.Client, users: { id: string; email: string; createdAt: Date }[]) {
  await client.query(
    `insert into users (id, email, created_at, updated_at)
     select id, email, created_at, created_at from unnest($1::text[], $2::text[], $3::timestamptz[]) as u(id, email, created_at)`,
    [users.map((u) => u.id), users.map((u) => u.email), users.map((u) => microseconds(u.createdAt, u.id.length))],
  );
}

async function insertProjects(client: pg.Client, projects: ProjectRow[]) {
  await client.query(
    `insert into projects (id, user_id, name, description, created_at, updated_at)
     select id, user_id, name, 'Seeded for the benchmark', created_at, created_at
     from unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[]) as p(id, user_id, name, created_at)`,
    [projects.map((p) => p.id), projects.map((p) => p.userId), projects.map((p) => p.name), projects.map((p) => microseconds(p.createdAt, p.id))],
  );
}

async function insertCams(client: pg.Client, cams: CamRow[]): Promise<void> {
  // Profiles travel as one JSON document: pg's escaping of a text[] of JSON strings costs more than the insert itself.
  await client.query(
    `insert into cams (id, user_id, project_id, name, cam_type, lift, duration, profile_points, created_at, updated_at)
     select c.id, c.user_id, c.project_id, c.name, c.cam_type, c.lift, c.duration, profile.value::jsonb, c.created_at, c.created_at
     from unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[], $6::numeric[], $7::int[], $8::timestamptz[])
            with ordinality as c(id, user_id, project_id, name, cam_type, lift, duration, created_at, position)
     join json_array_elements($9::json) with ordinality as profile(value, position) on profile.position = c.position`,
    [
      cams.map((c) => c.id),
      cams.map((c) => c.userId),
      cams.map((c) => c.projectId),
      cams.map((c) => c.cam.name),
      cams.map((c) => c.cam.camType),
      cams.map((c) => c.cam.lift),
      cams.map((c) => c.cam.duration),
      cams.map((c) => microseconds(c.createdAt, c.id)),
      `[${cams.map((c) => JSON.stringify(c.cam.profilePoints)).join(',')}]`,
    ],
  );
}

/** A timestamp literal with a microsecond part, which a JS Date cannot carry: DTOs must keep all six digits. */
function microseconds(date: Date, salt: number): string {
  return `${date.toISOString().slice(0, 19)}.${String((salt * 7919) % 1_000_000).padStart(6, '0')}Z`;
}
