import { LockMode, MikroORM, defineConfig, raw, type EntityManager } from '@mikro-orm/postgresql';
import { Cam, Project, User, type CamInput, type ProjectDto, type ProjectWithCamsDto } from '../../src/index.ts';
import { PROJECT_DOCUMENT_HEADER, camSummary, isoTimestamp, wholeCam, type CamFields } from './dto.ts';
import type { BenchLibrary, LibraryOptions } from './library.ts';

/**
 * MikroORM as its documentation shows it, on the package's own entities: a fork per unit of work, `find*` with
 * `populate`, `em.create` + `flush` for writes, `findByCursor` for pages, entities mapped to the DTOs by hand.
 * Whole entities are loaded, profiles included: a cam summary's `hasProfile` needs the column.
 */
export function createMikroOrm({ url, poolSize }: LibraryOptions): BenchLibrary {
  const orm = new MikroORM(
    defineConfig({ entities: [User, Project, Cam], clientUrl: url, pool: { min: 0, max: poolSize }, ensureDatabase: false, contextName: 'bench-plain' }),
  );
  const fork = (): EntityManager => orm.em.fork();

  return {
    name: 'mikro-orm',
    async getCam(userId, camId) {
      return camDto(await fork().findOneOrFail(Cam, { id: camId, user: userId }));
    },
    async getProject(userId, projectId) {
      const project = await fork().findOneOrFail(Project, { id: projectId, user: userId }, { populate: ['cams'], orderBy: { cams: { id: 'asc' } } });
      return projectWithCams(project);
    },
    async listProjects(userId, limit) {
      const cursor = await fork().findByCursor(Project, {
        where: { user: userId },
        first: limit,
        orderBy: { createdAt: 'desc', id: 'desc' },
        includeCount: false,
      });
      return { items: cursor.items.map(projectDto), nextCursor: cursor.hasNextPage ? cursor.endCursor : null };
    },
    async listCams(userId, projectId, limit) {
      const cursor = await fork().findByCursor(Cam, {
        where: { project: projectId, user: userId },
        first: limit,
        orderBy: { id: 'asc' },
        includeCount: false,
      });
      return { items: cursor.items.map(summaryOf), nextCursor: cursor.hasNextPage ? cursor.endCursor : null };
    },
    async getUserGraph(email) {
      // The only index on e-mail addresses is on lower(email): match it, or every lookup scans the table.
      const user = await fork().findOneOrFail(
        User,
        { [raw((alias) => `lower(${alias}.email)`)]: email.toLowerCase() },
        { populate: ['projects.cams'], orderBy: { projects: { createdAt: 'asc', id: 'asc', cams: { id: 'asc' } } } },
      );
      return {
        id: user.id,
        email: user.email,
        subscriptionStatus: user.subscriptionStatus as 'free' | 'pro',
        createdAt: isoTimestamp(user.createdAt),
        updatedAt: isoTimestamp(user.updatedAt),
        projects: user.projects.getItems().map(projectWithCams),
      };
    },
    async getProjectsWithCams(userId, limit) {
      const projects = await fork().find(
        Project,
        { user: userId },
        { populate: ['cams'], orderBy: { createdAt: 'desc', id: 'desc', cams: { id: 'asc' } }, limit },
      );
      return projects.map(projectWithCams);
    },
    async createProjectWithCams(userId, name, inputs) {
      const em = fork();
      const project = em.create(Project, { user: em.getReference(User, userId), name });
      const cams = inputs.map((input) => em.create(Cam, camData(project, input)));
      await em.flush(); // one transaction: BEGIN, INSERT project, INSERT cams, COMMIT
      return { ...projectDto(project), cams: cams.map(summaryOf) };
    },
    async updateCamDuration(userId, camId, duration, expectedVersion) {
      const em = fork();
      const cam = await em.findOneOrFail(Cam, { id: camId, user: userId }, { lockMode: LockMode.OPTIMISTIC, lockVersion: expectedVersion });
      cam.duration = duration;
      await em.flush(); // UPDATE ... WHERE id = ? AND version = ?: a concurrent change raises OptimisticLockError
      return camDto(cam);
    },
    async replaceProfile(userId, camId, profilePoints, lift) {
      const em = fork();
      const cam = await em.findOneOrFail(Cam, { id: camId, user: userId });
      cam.profilePoints = profilePoints;
      cam.lift = lift;
      await em.flush();
      return camDto(cam);
    },
    async createCams(userId, projectId, inputs) {
      const em = fork();
      const project = await em.findOneOrFail(Project, { id: projectId, user: userId });
      const cams = inputs.map((input) => em.create(Cam, camData(project, input)));
      await em.flush();
      return cams.map(summaryOf);
    },
    async exportProject(userId, projectId) {
      const project = await fork().findOneOrFail(Project, { id: projectId, user: userId }, { populate: ['cams'], orderBy: { cams: { id: 'asc' } } });
      const cams = project.cams.getItems().map((cam) => ({
        name: cam.name,
        camType: cam.camType,
        lift: cam.lift,
        duration: cam.duration,
        profilePoints: cam.profilePoints ?? null,
      }));
      return { ...PROJECT_DOCUMENT_HEADER, exportedAt: new Date().toISOString(), project: { name: project.name, description: project.description ?? null, cams } };
    },
    async importProject(userId, { project: document }) {
      const em = fork();
      const project = em.create(Project, { user: em.getReference(User, userId), name: document.name, description: document.description });
      const cams = document.cams.map((input) => em.create(Cam, camData(project, input)));
      await em.flush();
      return { ...projectDto(project), cams: cams.map(summaryOf) };
    },
    close: () => orm.close(),
  };
}

function camData(project: Project, input: CamInput) {
  return { project, name: input.name, camType: input.camType, lift: input.lift, duration: input.duration, profilePoints: input.profilePoints ?? null };
}

function fieldsOf(cam: Cam): CamFields {
  const { id, name, camType, lift, duration, version, createdAt, updatedAt } = cam;
  return { id, projectId: cam.project.id, name, camType, lift, duration, version, createdAt, updatedAt };
}

function summaryOf(cam: Cam) {
  return camSummary(fieldsOf(cam), cam.profilePoints != null);
}

function camDto(cam: Cam) {
  return wholeCam(fieldsOf(cam), cam.profilePoints ?? null);
}

function projectDto(project: Project): ProjectDto {
  return {
    id: project.id,
    userId: project.user.id,
    name: project.name,
    description: project.description ?? null,
    createdAt: isoTimestamp(project.createdAt),
    updatedAt: isoTimestamp(project.updatedAt),
  };
}

function projectWithCams(project: Project): ProjectWithCamsDto {
  return { ...projectDto(project), cams: project.cams.getItems().map(summaryOf) };
}

