import pg from 'pg';
import { randomCam } from '../data/lobe.ts';
import { seededRandom } from '../data/random.ts';

/** One installation of a given size, and the records the timed calls use. */
export interface ScaleData {
  cams: number;
  projects: number;
  users: number;
  loadSeconds: number;
  /** A user like most: three projects of three or four cams. */
  typical: { userId: string; email: string; projectId: number; camId: number };
  /** A user with 1,000 projects, scattered over the table, one of which holds 1,000 scattered cams. */
  heavy: { userId: string; email: string; projectId: number; camId: number };
}

export const HEAVY_ROWS = 1_000;

/**
 * Fills a migrated, empty database with SQL (seconds, not the API): `cams / 10` users with three projects each and
 * ten cams to every three projects, and a heavy user with 1,000 projects, one of them with 1,000 cams. Rows of one user or project are spread evenly over their table, as years of interleaved inserts
 * leave them, so no read is helped by rows that happen to sit together. Profiles (360 points) are stored for the
 * heavy project's cams and the typical user's, the ones the timed calls read; the other cams carry none, which keeps
 * ten million rows within a few gigabytes.
 */
export async function loadScale(url: string, cams: number): Promise<ScaleData> {
  const users = Math.max(Math.round(cams / 10), 100);
  // Three projects for every user, ten cams for every three projects; the heavy user's rows come on top.
  const projects = 3 * users + HEAVY_ROWS;
  const totalCams = 10 * users + HEAVY_ROWS;
  const started = performance.now();
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query('set synchronous_commit = off');
    await client.query(
      `insert into users (id, email) select 'user_' || g, 'user_' || g || '@example.com' from generate_series(1, $1::int) g`,
      [users],
    );
    await client.query(`insert into users (id, email) values ('heavy_user', 'heavy@example.com')`);
    // Every step-th project is the heavy user's; the others go round the users in turn, three each.
    await client.query(
      `insert into projects (user_id, name, created_at, updated_at)
       select case when g % s.step = 0 then 'heavy_user' else 'user_' || ((g - g / s.step) % $2::int + 1) end,
              'Project ' || g, t, t
         from (select $1::int / ${HEAVY_ROWS} as step) s, generate_series(1, $1::int) g,
              lateral (select now() - ($1::int - g) * interval '1 second' as t) at`,
      [projects, users],
    );
    const heavyProjectId = await single<number>(client, `select min(id) as v from projects where user_id = 'heavy_user'`);
    // Every step-th cam is the heavy project's; the others go round the other projects in turn. Each cam carries its
    // project's owner (cams.user_id).
    await client.query(
      `create temporary table ordinary as
       select (row_number() over (order by id) - 1)::int as ord, id, user_id from projects where user_id <> 'heavy_user'`,
    );
    await client.query('alter table ordinary add primary key (ord)');
    await client.query(
      `insert into cams (user_id, project_id, name, cam_type, lift, duration)
       select case when j % s.step = 0 then 'heavy_user' else o.user_id end,
              case when j % s.step = 0 then $2::int else o.id end,
              'Cam ' || j, case when j % 2 = 0 then 'intake' else 'exhaust' end, 11.43, 240 + j % 60
         from (select $1::int / ${HEAVY_ROWS} as step, (select count(*) from ordinary)::int as n) s
        cross join generate_series(1, $1::int) j
         join ordinary o on o.ord = (j - j / s.step) % s.n`,
      [totalCams, heavyProjectId],
    );
    const typicalUserId = 'user_7';
    const typicalProjectId = await single<number>(client, `select min(id) as v from projects where user_id = $1`, [typicalUserId]);
    const cam = randomCam(seededRandom(7), 'profiled');
    await client.query(
      `update cams set lift = $1, profile_points = $2::jsonb
        where project_id = $3 or project_id in (select id from projects where user_id = $4)`,
      [cam.lift, JSON.stringify(cam.profilePoints), heavyProjectId, typicalUserId],
    );
    await client.query('vacuum analyze');
    const camOf = (projectId: number) => single<number>(client, `select min(id) as v from cams where project_id = $1`, [projectId]);
    return {
      cams: totalCams,
      projects,
      users: users + 1,
      loadSeconds: (performance.now() - started) / 1000,
      typical: { userId: typicalUserId, email: `${typicalUserId}@example.com`, projectId: typicalProjectId, camId: await camOf(typicalProjectId) },
      heavy: { userId: 'heavy_user', email: 'heavy@example.com', projectId: heavyProjectId, camId: await camOf(heavyProjectId) },
    };
  } finally {
    await client.end();
  }
}

async function single<T>(client: pg.Client, text: string, values: unknown[] = []): Promise<T> {
  const { rows } = await client.query<{ v: T }>(text, values);
  if (rows[0]?.v == null) throw new Error(`no row for: ${text}`);
  return rows[0].v;
}
