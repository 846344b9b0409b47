import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../common/errors.ts';
import { decodeCursor, toPage, type Page } from '../common/pagination.ts';
import { inTransaction } from '../common/transaction.ts';
import { addToLoadedCollection, flushPending, forgetDeleted, held, managedWhere, refreshManaged } from '../common/unit-of-work.ts';
import { ownedRecordIds, parseArgument, parseInput, userIdSchema } from '../common/validation.ts';
import { camBatches } from '../cam/cam-batches.ts';
import { Cam } from '../cam/cam.entity.ts';
import type { CamRepository } from '../cam/cam.repository.ts';
import { User } from '../user/user.entity.ts';
import { Project } from './project.entity.ts';
import type { ProjectRepository } from './project.repository.ts';
import {
  PROJECT_DOCUMENT_FORMAT,
  PROJECT_DOCUMENT_VERSION,
  projectDocumentSchema,
  projectDuplicateOptionsSchema,
  projectGetOptionsSchema,
  projectInputSchema,
  projectListOptionsSchema,
  projectPatchSchema,
  type ProjectDocument,
  type ProjectDto,
  type ProjectDuplicateOptions,
  type ProjectInput,
  type ProjectListOptions,
  type ProjectPatch,
  type ProjectWithCamsDto,
} from './project.schemas.ts';

const repository = (em: EntityManager) => em.getRepository<Project, ProjectRepository>(Project);
const camRepository = (em: EntityManager) => em.getRepository<Cam, CamRepository>(Cam);

export async function create(em: EntityManager, userId: string, input: ProjectInput): Promise<ProjectDto> {
  const owner = parseArgument(userIdSchema, userId, 'userId');
  const { name, description } = parseInput(projectInputSchema, input);
  await flushPending(em, [Project, User]);
  return adopted(em, await repository(em).insertProject(owner, name, description ?? null));
}

/** One of the user's projects; with `{ withCams: true }` its cams too (without profile points), in one statement. */
export async function get(em: EntityManager, userId: string, projectId: number, options: { withCams: true }): Promise<ProjectWithCamsDto>;
export async function get(em: EntityManager, userId: string, projectId: number, options?: { withCams?: false }): Promise<ProjectDto>;
export async function get(em: EntityManager, userId: string, projectId: number, options: { withCams?: boolean } = {}): Promise<ProjectDto | ProjectWithCamsDto> {
  const [owner, project] = ownedRecordIds(userId, projectId, 'projectId');
  const { withCams } = parseInput(projectGetOptionsSchema, options);
  await flushPending(em, withCams ? [Project, Cam] : [Project]);
  return (await repository(em).findOwned(owner, project, withCams)) ?? notFound(project);
}

/**
 * A page of the user's projects, newest first unless told otherwise; with `{ withCams: true }` each with its cams, in
 * the same single statement. Keyset pagination: pass `nextCursor` back as `after`; projects created meanwhile never
 * make a page repeat or skip one.
 */
export async function list(em: EntityManager, userId: string, options: ProjectListOptions & { withCams: true }): Promise<Page<ProjectWithCamsDto>>;
export async function list(em: EntityManager, userId: string, options?: ProjectListOptions): Promise<Page<ProjectDto>>;
export async function list(em: EntityManager, userId: string, options: ProjectListOptions = {}): Promise<Page<ProjectDto | ProjectWithCamsDto>> {
  const owner = parseArgument(userIdSchema, userId, 'userId');
  const { limit, after, orderBy, direction, search, withCams } = parseInput(projectListOptionsSchema, options);
  const ordering = `${orderBy}:${direction}`;
  await flushPending(em, withCams ? [Project, Cam] : [Project]);
  const rows = await repository(em).listOwned(owner, {
    orderBy,
    direction,
    search,
    after: after === undefined ? undefined : decodeCursor(after, ordering),
    limit: limit + 1,
    withCams,
  });
  return toPage<ProjectDto>(rows, limit, (last) => ({ ordering, key: last[orderBy], id: last.id }));
}

export async function update(em: EntityManager, userId: string, projectId: number, patch: ProjectPatch): Promise<ProjectDto> {
  const [owner, project] = ownedRecordIds(userId, projectId, 'projectId');
  const { name, description } = parseInput(projectPatchSchema, patch);
  await flushPending(em, [Project]);
  const updated = (await repository(em).updateOwned(owner, project, name, description)) ?? notFound(project);
  refreshManaged(em, Project, updated.id, projectData(updated));
  return updated;
}

/** Deletes the project with its cams. */
async function remove(em: EntityManager, userId: string, projectId: number): Promise<void> {
  const [owner, project] = ownedRecordIds(userId, projectId, 'projectId');
  await flushPending(em, [Project, Cam]);
  if (!(await repository(em).deleteOwned(owner, project))) notFound(project);
  forgetDeleted(em, [held(em, Project, project), ...managedWhere(em, Cam, (cam) => cam.project.id === project)]);
}
export { remove as delete };

/** A copy of the project and all its cams, created in one statement. */
export async function duplicate(
  em: EntityManager,
  userId: string,
  projectId: number,
  options: ProjectDuplicateOptions = {},
): Promise<ProjectWithCamsDto> {
  const [owner, project] = ownedRecordIds(userId, projectId, 'projectId');
  const { name } = parseInput(projectDuplicateOptionsSchema, options);
  await flushPending(em, [Project, Cam]);
  return adopted(em, (await repository(em).duplicateOwned(owner, project, name)) ?? notFound(project));
}

/** The project and its cams, with profiles, as a versioned JSON document that `import` reads back. */
async function exportProject(em: EntityManager, userId: string, projectId: number): Promise<ProjectDocument> {
  const [owner, project] = ownedRecordIds(userId, projectId, 'projectId');
  await flushPending(em, [Project, Cam]);
  const exported = (await repository(em).findForExport(owner, project)) ?? notFound(project);
  return { format: PROJECT_DOCUMENT_FORMAT, version: PROJECT_DOCUMENT_VERSION, exportedAt: new Date().toISOString(), project: exported };
}

/**
 * Validates the whole document first, then creates the project with its cams: in one statement up to a thousand
 * cams, beyond that in one transaction of a statement per thousand (as `cams.createMany`).
 */
async function importProject(em: EntityManager, userId: string, document: unknown): Promise<ProjectWithCamsDto> {
  const owner = parseArgument(userIdSchema, userId, 'userId');
  const { project } = parseInput(projectDocumentSchema, document);
  const [first, ...rest] = camBatches(project.cams);
  await flushPending(em, [Project, User]);
  const insertAll = async (unit: EntityManager) => {
    const created = await repository(unit).insertWithCams(owner, { ...project, cams: first! });
    for (const batch of rest) created.cams.push(...(await camRepository(unit).insertManyIntoOwnedProject(owner, created.id, batch)));
    return created;
  };
  return adopted(em, await (rest.length === 0 ? insertAll(em) : inTransaction(em, insertAll)));
}
export { exportProject as export, importProject as import };


/** The entity data of a project row. */
function projectData({ id, userId, name, description, createdAt, updatedAt }: ProjectDto) {
  return { id, user: userId, name, description, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) };
}

/** A created project joins its user's projects when the EntityManager holds them loaded. */
function adopted<Dto extends ProjectDto>(em: EntityManager, project: Dto): Dto {
  addToLoadedCollection(em, User, project.userId, (user) => user.projects, Project, [projectData(project)]);
  return project;
}

function notFound(id: number): never {
  throw new NotFoundError('Project', id);
}
