/**
 * The SQL of the raw `pg` floor: the fastest statements found for each DTO (alternatives were timed against each
 * other; bench/README.md lists what won), with the DTO's keys and timestamp format made by the server.
 */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const PROJECT = `p.id, p.user_id as "userId", p.name, p.description, ${iso('p.created_at')} as "createdAt", ${iso('p.updated_at')} as "updatedAt"`;
export const CAM_SUMMARY = `c.id, c.project_id as "projectId", c.name, c.cam_type as "camType", c.lift::float8 as lift, c.duration, c.version,
  c.profile_points is not null as "hasProfile", ${iso('c.created_at')} as "createdAt", ${iso('c.updated_at')} as "updatedAt"`;
const CAM = `${CAM_SUMMARY}, c.profile_points as "profilePoints"`;
const CAM_SUMMARY_JSON = `json_build_object('id', c.id, 'projectId', c.project_id, 'name', c.name, 'camType', c.cam_type,
  'lift', c.lift::float8, 'duration', c.duration, 'version', c.version, 'hasProfile', c.profile_points is not null,
  'createdAt', ${iso('c.created_at')}, 'updatedAt', ${iso('c.updated_at')})`;
const CAMS_OF_PROJECT = `coalesce((select json_agg(${CAM_SUMMARY_JSON} order by c.id) from cams c where c.project_id = p.id), '[]')`;
const PROJECT_JSON = `json_build_object('id', p.id, 'userId', p.user_id, 'name', p.name, 'description', p.description,
  'createdAt', ${iso('p.created_at')}, 'updatedAt', ${iso('p.updated_at')}, 'cams', ${CAMS_OF_PROJECT})`;
/**
 * Cams as multi-row VALUES, five parameters each starting at `$first`: each profile its own jsonb parameter, which the
 * server parses faster than one JSON array of all cams (timed against `jsonb_to_recordset`). Nothing sorts them: the
 * statements below read them in the order given (a one-time filter, or a cross join with one row), so serial ids follow
 * the input, where `order by` over a thousand parsed profiles was an external sort on disk.
 */
export const CAMS_VALUES = (count: number, first: number) =>
  `(values ${Array.from({ length: count }, (_, i) => {
    const at = first + i * 5;
    return `($${at}::text, $${at + 1}::text, $${at + 2}::numeric, $${at + 3}::int, $${at + 4}::jsonb)`;
  }).join(', ')}) as input(name, "camType", lift, duration, "profilePoints")`;

export const SQL = {
  // A cam carries its project's owner (`cams.user_id`): ownership of a cam is a column of its row, no join.
  getCam: `select ${CAM} from cams c where c.id = $2 and c.user_id = $1`,
  getProject: `select ${PROJECT}, ${CAMS_OF_PROJECT} as cams from projects p where p.id = $2 and p.user_id = $1`,
  // The page is cut before the timestamps are formatted: PostgreSQL evaluates a cheap select list below a Sort, so
  // `order by ... limit 51` over 1,000 rows would format 1,000 pairs of timestamps and keep 51.
  listProjects: `select ${PROJECT} from (select * from projects p where p.user_id = $1 order by p.created_at desc, p.id desc limit $2) p
                 order by p.created_at desc, p.id desc`,
  // An empty page for another user's project, as for an empty one: the same answer as a join with the project gave.
  listCams: `select ${CAM_SUMMARY} from cams c where c.project_id = $2 and c.user_id = $1 order by c.id limit $3`,
  userGraph: `select u.id, u.email, u.subscription_status as "subscriptionStatus", ${iso('u.created_at')} as "createdAt",
                ${iso('u.updated_at')} as "updatedAt",
                coalesce((select json_agg(${PROJECT_JSON} order by p.created_at, p.id) from projects p where p.user_id = u.id), '[]') as projects
              from users u where lower(u.email) = lower($1)`,
  projectsWithCams: `select ${PROJECT}, ${CAMS_OF_PROJECT} as cams
                     from (select * from projects p where p.user_id = $1 order by p.created_at desc, p.id desc limit $2) p
                     order by p.created_at desc, p.id desc`,
  insertProject: `insert into projects as p (user_id, name) values ($1, $2) returning ${PROJECT}`,
  insertCams: (count: number) => `insert into cams as c (user_id, project_id, name, cam_type, lift, duration, profile_points)
               select $1::varchar, $2::int, input.name, input."camType", input.lift, input.duration, input."profilePoints"
               from ${CAMS_VALUES(count, 3)}
               where exists (select from projects p where p.id = $2 and p.user_id = $1::varchar)
               returning ${CAM_SUMMARY}`,
  /** Into the project the same transaction has just created for the user: nothing to check. */
  insertCamsIntoNewProject: (count: number) => `insert into cams as c (user_id, project_id, name, cam_type, lift, duration, profile_points)
               select $1::varchar, $2::int, input.name, input."camType", input.lift, input.duration, input."profilePoints"
               from ${CAMS_VALUES(count, 3)}
               returning ${CAM_SUMMARY}`,
  updateDuration: `update cams as c set duration = $3, version = c.version + 1
                   where c.id = $2 and c.user_id = $1 and c.version = $4
                   returning ${CAM}`,
  /** The new profile is the caller's: it is not sent back. */
  replaceProfile: `update cams as c set profile_points = $3::jsonb, lift = $4, version = c.version + 1
                   where c.id = $2 and c.user_id = $1
                   returning ${CAM_SUMMARY}`,
  // Rows, not one json_agg document: building an 11 MB JSON value on the server cost more than parsing 1,000 rows.
  exportProject: `select p.name as "projectName", p.description, c.name, c.cam_type as "camType", c.lift::float8 as lift, c.duration,
                    c.profile_points as "profilePoints"
                  from projects p left join cams c on c.project_id = p.id where p.id = $2 and p.user_id = $1 order by c.id`,
  importProject: (count: number) => `with project as (insert into projects (user_id, name, description) values ($1, $2, $3) returning *),
                  written as (
                    insert into cams (user_id, project_id, name, cam_type, lift, duration, profile_points)
                    select project.user_id, project.id, input.name, input."camType", input.lift, input.duration, input."profilePoints"
                    from project, ${CAMS_VALUES(count, 4)}
                    returning *
                  )
                  select ${PROJECT}, coalesce((select json_agg(${CAM_SUMMARY_JSON} order by c.id) from written c), '[]') as cams
                  from project p`,
} as const;
