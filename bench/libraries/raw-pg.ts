import pg from 'pg';
import { analyzeProfile, type CamDto, type CamInput, type CamSummaryDto, type ProjectDocument, type ProjectDto, type ProjectWithCamsDto, type UserWithProjectsDto } from '../../src/index.ts';
import { PROJECT_DOCUMENT_HEADER, toPage } from './dto.ts';
import type { BenchLibrary, LibraryOptions } from './library.ts';
import { SQL } from './raw-pg-sql.ts';

type CamRow = Omit<CamDto, 'profileAnalysis'>;
type ExportedCam = ProjectDocument['project']['cams'][number];

/** Cams per INSERT, as in the package: one statement of 10,000 profiled cams costs more than ten of 1,000. */
const BATCH = 1000;

/**
 * Into the user's project, a statement per `BATCH` cams; in input order. `intoNewProject`: the project is one the same
 * transaction created for the user, whose ownership needs no check.
 */
async function insertCams(queryable: pg.Pool | pg.PoolClient, userId: string, projectId: number, cams: readonly CamInput[], intoNewProject = false): Promise<CamSummaryDto[]> {
  const written: CamSummaryDto[] = [];
  for (let start = 0; start < cams.length; start += BATCH) {
    const batch = cams.slice(start, start + BATCH);
    const sql = intoNewProject ? SQL.insertCamsIntoNewProject(batch.length) : SQL.insertCams(batch.length);
    const { rows } = await queryable.query<CamSummaryDto>(sql, [userId, projectId, ...camParameters(batch)]);
    if (rows.length === 0) throw new Error('project not found');
    written.push(...rows.sort((a, b) => a.id - b.id));
  }
  return written;
}

/** Five parameters per cam, in the order of `CAMS_VALUES`. */
export function camParameters(cams: readonly CamInput[]): unknown[] {
  return cams.flatMap((cam) => [cam.name, cam.camType, cam.lift, cam.duration, cam.profilePoints ? JSON.stringify(cam.profilePoints) : null]);
}

/** BEGIN, the work on one connection of the pool, COMMIT; ROLLBACK if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

/** The floor: `pg` with the default type parsers, a pool of the same size, and hand-written SQL. */
export function createRawPg({ url, poolSize }: LibraryOptions, name: 'raw-pg' | 'raw-pg-again' = 'raw-pg'): BenchLibrary {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const rows = async <Row extends pg.QueryResultRow>(sql: string, values: unknown[]) => (await pool.query<Row>(sql, values)).rows;
  const one = async <Row extends pg.QueryResultRow>(sql: string, values: unknown[], what: string) => {
    const [row] = await rows<Row>(sql, values);
    if (!row) throw new Error(`${what} not found`);
    return row;
  };
  const withAnalysis = (row: CamRow): CamDto => ({ ...row, profileAnalysis: row.profilePoints ? analyzeProfile(row.profilePoints) : null });

  return {
    name,
    getCam: async (userId, camId) => withAnalysis(await one<CamRow>(SQL.getCam, [userId, camId], 'cam')),
    getProject: (userId, projectId) => one<ProjectWithCamsDto>(SQL.getProject, [userId, projectId], 'project'),
    listProjects: async (userId, limit) =>
      toPage(await rows<ProjectDto>(SQL.listProjects, [userId, limit + 1]), limit, 'createdAt:desc', (last) => last.createdAt),
    listCams: async (userId, projectId, limit) =>
      toPage(await rows<CamSummaryDto>(SQL.listCams, [userId, projectId, limit + 1]), limit, 'id:asc', (last) => last.id),
    getUserGraph: (email) => one<UserWithProjectsDto>(SQL.userGraph, [email], 'user'),
    getProjectsWithCams: (userId, limit) => rows<ProjectWithCamsDto>(SQL.projectsWithCams, [userId, limit]),
    createProjectWithCams: (userId, name, cams) =>
      inTransaction(pool, async (client) => {
        const [project] = (await client.query<ProjectDto>(SQL.insertProject, [userId, name])).rows;
        const written = await client.query<CamSummaryDto>(SQL.insertCamsIntoNewProject(cams.length), [userId, project!.id, ...camParameters(cams)]);
        return { ...project!, cams: written.rows.sort((a, b) => a.id - b.id) };
      }),
    updateCamDuration: async (userId, camId, duration, expectedVersion) =>
      withAnalysis(await one<CamRow>(SQL.updateDuration, [userId, camId, duration, expectedVersion], 'cam at that version')),
    async replaceProfile(userId, camId, profilePoints, lift) {
      const row = await one<CamSummaryDto>(SQL.replaceProfile, [userId, camId, JSON.stringify(profilePoints), lift], 'cam');
      return withAnalysis({ ...row, profilePoints });
    },
    createCams: (userId, projectId, cams) => (cams.length <= BATCH ? insertCams(pool, userId, projectId, cams) : inTransaction(pool, (client) => insertCams(client, userId, projectId, cams))),
    async exportProject(userId, projectId): Promise<ProjectDocument> {
      type ExportRow = { projectName: string; description: string | null } & { [Key in keyof ExportedCam]: ExportedCam[Key] | null };
      const exported = await rows<ExportRow>(SQL.exportProject, [userId, projectId]);
      const first = exported[0];
      if (!first) throw new Error('project not found');
      // A project without cams is one row of nulls on the cam side.
      const cams = first.name === null ? [] : exported.map(({ name, camType, lift, duration, profilePoints }) => ({ name, camType, lift, duration, profilePoints }) as ExportedCam);
      return { ...PROJECT_DOCUMENT_HEADER, exportedAt: new Date().toISOString(), project: { name: first.projectName, description: first.description, cams } };
    },
    importProject: async (userId, { project }) => {
      const write = async (queryable: pg.Pool | pg.PoolClient) => {
        const first = project.cams.slice(0, BATCH);
        const [created] = (await queryable.query<ProjectWithCamsDto>(SQL.importProject(first.length), [userId, project.name, project.description, ...camParameters(first)])).rows;
        const rest = project.cams.length > BATCH ? await insertCams(queryable, userId, created!.id, project.cams.slice(BATCH), true) : [];
        return { ...created!, cams: [...created!.cams, ...rest] };
      };
      return project.cams.length <= BATCH ? write(pool) : inTransaction(pool, write);
    },
    close: () => pool.end(),
  };
}
