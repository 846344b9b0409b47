import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { CamInput, CamSummaryDto, ProjectDocument, ProjectDto } from '../../src/index.ts';
import { PROJECT_DOCUMENT_HEADER } from './dto.ts';
import type { LibraryOptions, PhysicalLimit } from './library.ts';
import { inTransaction } from './raw-pg.ts';
import { CAM_SUMMARY, PROJECT } from './raw-pg-sql.ts';

type ExportedCam = ProjectDocument['project']['cams'][number];

/** Rows per chunk of COPY data handed to the stream: big enough to be cheap, small enough to start sending early. */
const ROWS_PER_CHUNK = 100;

/**
 * The physical limit of the bulk scenarios: rows streamed with `COPY` in PostgreSQL's text format, with the same
 * ownership check, the same transaction and the same results as the libraries. COPY returns nothing, so the ids are
 * taken from the sequence first and the rows written are read back as summaries in the same transaction.
 */
export function createCopy({ url, poolSize }: LibraryOptions): PhysicalLimit {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });

  return {
    name: 'copy',
    createCams: (userId, projectId, cams) =>
      inTransaction(pool, async (client) => {
        const owned = await client.query('select from projects where id = $1 and user_id = $2', [projectId, userId]);
        if (owned.rowCount === 0) throw new Error('project not found');
        return copyCams(client, userId, projectId, cams);
      }),
    importProject: (userId, { project }) =>
      inTransaction(pool, async (client) => {
        const [created] = (await client.query<ProjectDto>(`insert into projects as p (user_id, name, description) values ($1, $2, $3) returning ${PROJECT}`, [userId, project.name, project.description])).rows;
        return { ...created!, cams: await copyCams(client, userId, created!.id, project.cams) };
      }),
    async exportProject(userId, projectId) {
      const client = await pool.connect();
      try {
        // COPY takes no parameters: the id is an integer, the user id a literal escaped by the driver.
        if (!Number.isInteger(projectId)) throw new Error('project id must be an integer');
        const text = await copyOut(
          client,
          `copy (select p.name, p.description, c.name, c.cam_type, c.lift, c.duration, c.profile_points
                   from projects p left join cams c on c.project_id = p.id
                  where p.id = ${projectId} and p.user_id = ${client.escapeLiteral(userId)} order by c.id) to stdout`,
        );
        const rows = text.split('\n').slice(0, -1).map((line) => line.split('\t').map(unescapeField));
        const first = rows[0];
        if (!first) throw new Error('project not found');
        // A project without cams is one row of nulls on the cam side.
        const cams = first[2] === null ? [] : rows.map(([, , name, camType, lift, duration, points]) => ({
          name: name!,
          camType: camType as ExportedCam['camType'],
          lift: Number(lift),
          duration: Number(duration),
          profilePoints: points === null ? null : JSON.parse(points!),
        }));
        return { ...PROJECT_DOCUMENT_HEADER, exportedAt: new Date().toISOString(), project: { name: first[0]!, description: first[1] ?? null, cams } };
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Writes the cams into the user's project with COPY and returns their summaries, in input order. */
async function copyCams(client: pg.PoolClient, userId: string, projectId: number, cams: readonly CamInput[]): Promise<CamSummaryDto[]> {
  const { rows } = await client.query<{ id: number }>(`select nextval(pg_get_serial_sequence('cams', 'id'))::int as id from generate_series(1, $1::int)`, [cams.length]);
  const ids = rows.map((row) => row.id);
  await pipeline(
    Readable.from(copyChunks(ids, userId, projectId, cams)),
    client.query(copyStreams.from('copy cams (id, user_id, project_id, name, cam_type, lift, duration, profile_points) from stdin')),
  );
  return (await client.query<CamSummaryDto>(`select ${CAM_SUMMARY} from cams c where c.id = any($1::int[]) order by c.id`, [ids])).rows;
}

function* copyChunks(ids: readonly number[], userId: string, projectId: number, cams: readonly CamInput[]): Generator<string> {
  const owner = escapeField(userId);
  for (let start = 0; start < cams.length; start += ROWS_PER_CHUNK) {
    let chunk = '';
    for (let index = start; index < Math.min(start + ROWS_PER_CHUNK, cams.length); index++) {
      const cam = cams[index]!;
      const points = cam.profilePoints ? escapeField(JSON.stringify(cam.profilePoints)) : '\\N';
      chunk += `${ids[index]}\t${owner}\t${projectId}\t${escapeField(cam.name)}\t${cam.camType}\t${cam.lift}\t${cam.duration}\t${points}\n`;
    }
    yield chunk;
  }
}

async function copyOut(client: pg.PoolClient, sql: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copyStreams.to(sql))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** COPY's text format: backslash, tab, newline and carriage return are written as backslash sequences. */
export function escapeField(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (character) => ESCAPES[character]!) : text;
}
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A field of COPY's text format as text: `\N` is null; COPY TO writes only these backslash sequences (a byte in octal
 * or hexadecimal is something COPY FROM reads, never writes).
 */
function unescapeField(field: string): string | null {
  if (field === '\\N') return null;
  return field.includes('\\') ? field.replace(/\\(.)/g, (_, code: string) => UNESCAPES[code] ?? code) : field;
}
const UNESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
