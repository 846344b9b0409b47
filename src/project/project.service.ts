import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../common/errors.ts';
import { decodeCursor, toPage, type Page } from '../common/pagination.ts';
import { inTransaction } from '../common/transaction.ts';
import { addToLoadedCollection, flushPending, forgetDeleted, held, managedWhere, refreshManaged } from '../common/unit-of-work.ts';
import { ownedRecordIds, parseInput, parseUserId } from '../common/validation.ts';
import { camBatches, streamsCams, writeCams } from '../cam/cam-writes.ts';
import { Cam } from '../cam/cam.entity.ts';
import { User } from '../user/user.entity.ts';
import { forgetCreated, rememberCreated } from './created-projects.ts';
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

export async function create(em: EntityManager, userId: string, input: ProjectInput): Promise<ProjectDto> {
  const owner = parseUserId(userId);
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
  const owner = parseUserId(userId);
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
  forgetCreated(em, { projectId: project });
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
 * Validates the whole document first, then creates the project with its cams, all or none, in input order. On the
 * package's own pool 25 cams or more are streamed with COPY after the project, in one transaction; otherwise the
 * project and up to 1,000 cams are one statement, and every further 1,000 cams one more, in one transaction.
 */
async function importProject(em: EntityManager, userId: string, document: unknown): Promise<ProjectWithCamsDto> {
  const owner = parseUserId(userId);
  const { name, description, cams } = parseInput(projectDocumentSchema, document).project;
  await flushPending(em, [Project, User]);
  if (streamsCams(em, cams.length)) {
    const copied = async (unit: EntityManager) => {
      const created = await repository(unit).insertProject(owner, name, description);
      rememberCreated(unit, created.id, owner);
      return { ...created, cams: (await writeCams(unit, owner, created.id, cams))! };
    };
    return adopted(em, await inTransaction(em, copied));
  }
  const [first, ...rest] = camBatches(cams);
  const inserted = async (unit: EntityManager) => {
    const created = await repository(unit).insertWithCams(owner, { name, description, cams: first! });
    rememberCreated(unit, created.id, owner);
    if (rest.length > 0) created.cams.push(...(await writeCams(unit, owner, created.id, rest.flat()))!);
    return created;
  };
  return adopted(em, await (rest.length === 0 ? inserted(em) : inTransaction(em, inserted)));
}
export { exportProject as export, importProject as import };


/** The entity data of a project row. */
function projectData({ id, userId, name, description, createdAt, updatedAt }: ProjectDto) {
  return { id, user: userId, name, description, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) };
}

/**
 * A created project joins its user's projects when the EntityManager holds them loaded, and its transaction knows it
 * as the user's (`created-projects.ts`).
 */
function adopted<Dto extends ProjectDto>(em: EntityManager, project: Dto): Dto {
  rememberCreated(em, project.id, project.userId);
  addToLoadedCollection(em, User, project.userId, (user) => user.projects, Project, () => [projectData(project)]);
  return project;
}

function notFound(id: number): never {
  throw new NotFoundError('Project', id);
}
