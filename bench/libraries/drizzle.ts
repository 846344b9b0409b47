import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { CamInput, ProjectDto, ProjectWithCamsDto } from '../../src/index.ts';
import { PROJECT_DOCUMENT_HEADER, camSummary, isoTimestamp, toPage, wholeCam } from './dto.ts';
import * as schema from './drizzle-schema.ts';
import { cams, camSummaryColumns, projects, users } from './drizzle-schema.ts';
import type { BenchLibrary, LibraryOptions } from './library.ts';

type ProjectRow = typeof projects.$inferSelect;
type SummaryRow = Omit<typeof cams.$inferSelect, 'profilePoints' | 'userId'> & { hasProfile: boolean };

/**
 * Drizzle ORM on node-postgres as its documentation shows it: the SQL-like builder for single tables and joins, the
 * relational query API (`db.query.*.findMany({ with })`, one statement per call) for graphs.
 */
export function createDrizzle({ url, poolSize }: LibraryOptions): BenchLibrary {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const db = drizzle({ client: pool, schema });
  // In relational queries the summary drops the profile and computes whether there is one.
  const camsAsSummaries = {
    columns: { profilePoints: false as const },
    extras: { hasProfile: sql<boolean>`${cams.profilePoints} is not null`.as('has_profile') },
    orderBy: [asc(cams.id)],
  };
  // A cam carries its project's owner: ownership is a column of the row.
  const ownedCam = (userId: string, camId: number) => and(eq(cams.id, camId), eq(cams.userId, userId));
  // PostgreSQL binds at most 65,535 parameters per statement: seven per cam, so 10,000 cams take two statements.
  const insertCams = async (executor: Pick<typeof db, 'insert'>, userId: string, projectId: number, inputs: CamInput[]) => {
    const rows = [];
    for (let start = 0; start < inputs.length; start += CAMS_PER_INSERT) {
      const chunk = inputs.slice(start, start + CAMS_PER_INSERT);
      rows.push(...(await executor.insert(cams).values(chunk.map((input) => camValues(userId, projectId, input))).returning(camSummaryColumns)));
    }
    return rows;
  };

  return {
    name: 'drizzle',
    async getCam(userId, camId) {
      const [row] = await db.select().from(cams).where(ownedCam(userId, camId));
      return wholeCam(found(row), row!.profilePoints);
    },
    async getProject(userId, projectId) {
      const project = await db.query.projects.findFirst({
        where: and(eq(projects.id, projectId), eq(projects.userId, userId)),
        with: { cams: camsAsSummaries },
      });
      return projectWithCams(found(project));
    },
    async listProjects(userId, limit) {
      const rows = await db
        .select()
        .from(projects)
        .where(eq(projects.userId, userId))
        .orderBy(desc(projects.createdAt), desc(projects.id))
        .limit(limit + 1);
      return toPage(rows.map(projectDto), limit, 'createdAt:desc', (last) => last.createdAt);
    },
    async listCams(userId, projectId, limit) {
      const rows = await db
        .select(camSummaryColumns)
        .from(cams)
        .where(and(eq(cams.projectId, projectId), eq(cams.userId, userId)))
        .orderBy(asc(cams.id))
        .limit(limit + 1);
      return toPage(rows.map(summaryDto), limit, 'id:asc', (last) => last.id);
    },
    async getUserGraph(email) {
      const user = found(
        await db.query.users.findFirst({
          // The only index on e-mail addresses is on lower(email).
          where: sql`lower(${users.email}) = lower(${email})`,
          with: { projects: { orderBy: [asc(projects.createdAt), asc(projects.id)], with: { cams: camsAsSummaries } } },
        }),
      );
      return {
        id: user.id,
        email: user.email,
        subscriptionStatus: user.subscriptionStatus as 'free' | 'pro',
        createdAt: isoTimestamp(user.createdAt),
        updatedAt: isoTimestamp(user.updatedAt),
        projects: user.projects.map(projectWithCams),
      };
    },
    async getProjectsWithCams(userId, limit) {
      const rows = await db.query.projects.findMany({
        where: eq(projects.userId, userId),
        orderBy: [desc(projects.createdAt), desc(projects.id)],
        limit,
        with: { cams: camsAsSummaries },
      });
      return rows.map(projectWithCams);
    },
    createProjectWithCams: (userId, name, inputs) =>
      db.transaction(async (tx) => {
        const [project] = await tx.insert(projects).values({ userId, name }).returning();
        const rows = await insertCams(tx, userId, project!.id, inputs);
        return { ...projectDto(project!), cams: rows.sort((a, b) => a.id - b.id).map(summaryDto) };
      }),
    async updateCamDuration(userId, camId, duration, expectedVersion) {
      const [row] = await db
        .update(cams)
        .set({ duration, version: sql`${cams.version} + 1` })
        .where(and(ownedCam(userId, camId), eq(cams.version, expectedVersion)))
        .returning();
      return wholeCam(found(row), row!.profilePoints);
    },
    async replaceProfile(userId, camId, profilePoints, lift) {
      const [row] = await db
        .update(cams)
        .set({ profilePoints, lift, version: sql`${cams.version} + 1` })
        .where(ownedCam(userId, camId))
        .returning();
      return wholeCam(found(row), row!.profilePoints);
    },
    async createCams(userId, projectId, inputs) {
      const [project] = await db.select({ id: projects.id }).from(projects).where(and(eq(projects.id, projectId), eq(projects.userId, userId)));
      const rows =
        inputs.length > CAMS_PER_INSERT
          ? await db.transaction((tx) => insertCams(tx, userId, found(project).id, inputs))
          : await insertCams(db, userId, found(project).id, inputs);
      return rows.sort((a, b) => a.id - b.id).map(summaryDto);
    },
    async exportProject(userId, projectId) {
      const project = found(
        await db.query.projects.findFirst({
          columns: { name: true, description: true },
          where: and(eq(projects.id, projectId), eq(projects.userId, userId)),
          with: { cams: { columns: { name: true, camType: true, lift: true, duration: true, profilePoints: true }, orderBy: [asc(cams.id)] } },
        }),
      );
      const documentCams = project.cams.map((cam) => ({ ...cam, camType: cam.camType as CamInput['camType'] }));
      return { ...PROJECT_DOCUMENT_HEADER, exportedAt: new Date().toISOString(), project: { ...project, cams: documentCams } };
    },
    importProject: (userId, { project: document }) =>
      db.transaction(async (tx) => {
        const [project] = await tx.insert(projects).values({ userId, name: document.name, description: document.description }).returning();
        const rows = await insertCams(tx, userId, project!.id, document.cams);
        return { ...projectDto(project!), cams: rows.sort((a, b) => a.id - b.id).map(summaryDto) };
      }),
    close: () => pool.end(),
  };
}

const CAMS_PER_INSERT = 5000;

function found<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('not found');
  return value;
}

function camValues(userId: string, projectId: number, input: CamInput) {
  return { userId, projectId, name: input.name, camType: input.camType, lift: input.lift, duration: input.duration, profilePoints: input.profilePoints ?? null };
}

function summaryDto(row: SummaryRow) {
  return camSummary(row, row.hasProfile);
}

function projectDto(project: ProjectRow): ProjectDto {
  return {
    id: project.id,
    userId: project.userId,
    name: project.name,
    description: project.description,
    createdAt: isoTimestamp(project.createdAt),
    updatedAt: isoTimestamp(project.updatedAt),
  };
}

function projectWithCams(project: ProjectRow & { cams: SummaryRow[] }): ProjectWithCamsDto {
  return { ...projectDto(project), cams: project.cams.map(summaryDto) };
}
