import pg from 'pg';
import { analyzeProfile, type CamDto, type CamInput, type CamSummaryDto, type ProjectDocument, type ProjectDto, type ProjectWithCamsDto, type UserWithProjectsDto } from '../../src/index.ts';
import { PROJECT_DOCUMENT_HEADER, toPage } from './dto.ts';
import type { BenchLibrary, LibraryOptions } from './library.ts';
import { SQL } from './raw-pg-sql.ts';

type CamRow = Omit<CamDto, 'profileAnalysis'>;
type ExportedCam = ProjectDocument['project']['cams'][number];

/** Five parameters per cam, in the order of `CAMS_VALUES`. */
function camParameters(cams: readonly CamInput[]): unknown[] {
  return cams.flatMap((cam) => [cam.name, cam.camType, cam.lift, cam.duration, cam.profilePoints ? JSON.stringify(cam.profilePoints) : null]);
}

/** The floor: `pg` with the default type parsers, a pool of the same size, and hand-written SQL. */
export function createRawPg({ url, poolSize }: LibraryOptions): BenchLibrary {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const rows = async <Row extends pg.QueryResultRow>(sql: string, values: unknown[]) => (await pool.query<Row>(sql, values)).rows;
  const one = async <Row extends pg.QueryResultRow>(sql: string, values: unknown[], what: string) => {
    const [row] = await rows<Row>(sql, values);
    if (!row) throw new Error(`${what} not found`);
    return row;
  };
  const withAnalysis = (row: CamRow): CamDto => ({ ...row, profileAnalysis: row.profilePoints ? analyzeProfile(row.profilePoints) : null });
  const inTransaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
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
  };

  return {
    name: 'raw-pg',
    getCam: async (userId, camId) => withAnalysis(await one<CamRow>(SQL.getCam, [userId, camId], 'cam')),
    getProject: (userId, projectId) => one<ProjectWithCamsDto>(SQL.getProject, [userId, projectId], 'project'),
    listProjects: async (userId, limit) =>
      toPage(await rows<ProjectDto>(SQL.listProjects, [userId, limit + 1]), limit, 'createdAt:desc', (last) => last.createdAt),
    listCams: async (userId, projectId, limit) =>
      toPage(await rows<CamSummaryDto>(SQL.listCams, [userId, projectId, limit + 1]), limit, 'id:asc', (last) => last.id),
    getUserGraph: (email) => one<UserWithProjectsDto>(SQL.userGraph, [email], 'user'),
    getProjectsWithCams: (userId, limit) => rows<ProjectWithCamsDto>(SQL.projectsWithCams, [userId, limit]),
    createProjectWithCams: (userId, name, cams) =>
      inTransaction(async (client) => {
        const [project] = (await client.query<ProjectDto>(SQL.insertProject, [userId, name])).rows;
        const written = await client.query<CamSummaryDto>(SQL.insertCams(cams.length), [userId, project!.id, ...camParameters(cams)]);
        return { ...project!, cams: written.rows.sort((a, b) => a.id - b.id) };
      }),
    updateCamDuration: async (userId, camId, duration, expectedVersion) =>
      withAnalysis(await one<CamRow>(SQL.updateDuration, [userId, camId, duration, expectedVersion], 'cam at that version')),
    async replaceProfile(userId, camId, profilePoints, lift) {
      const row = await one<CamSummaryDto>(SQL.replaceProfile, [userId, camId, JSON.stringify(profilePoints), lift], 'cam');
      return withAnalysis({ ...row, profilePoints });
    },
    async createCams(userId, projectId, cams) {
      const written = await rows<CamSummaryDto>(SQL.insertCams(cams.length), [userId, projectId, ...camParameters(cams)]);
      if (written.length === 0) throw new Error('project not found');
      return written.sort((a, b) => a.id - b.id);
    },
    async exportProject(userId, projectId): Promise<ProjectDocument> {
      type ExportRow = { projectName: string; description: string | null } & { [Key in keyof ExportedCam]: ExportedCam[Key] | null };
      const exported = await rows<ExportRow>(SQL.exportProject, [userId, projectId]);
      const first = exported[0];
      if (!first) throw new Error('project not found');
      // A project without cams is one row of nulls on the cam side.
      const cams = first.name === null ? [] : exported.map(({ name, camType, lift, duration, profilePoints }) => ({ name, camType, lift, duration, profilePoints }) as ExportedCam);
      return { ...PROJECT_DOCUMENT_HEADER, exportedAt: new Date().toISOString(), project: { name: first.projectName, description: first.description, cams } };
    },
    importProject: (userId, { project }) =>
      one<ProjectWithCamsDto>(SQL.importProject(project.cams.length), [userId, project.name, project.description, ...camParameters(project.cams)], 'project'),
    close: () => pool.end(),
  };
}
