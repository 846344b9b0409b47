import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../common/errors.ts';
import { decodeCursor, toPage, type Page } from '../common/pagination.ts';
import { ownedRecordIds, parseInput, userIdSchema } from '../common/validation.ts';
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
  const owner = parseInput(userIdSchema, userId);
  const { name, description } = parseInput(projectInputSchema, input);
  return repository(em).insertProject(owner, name, description ?? null);
}

/** One of the user's projects; with `{ withCams: true }` its cams too (without profile points), in one statement. */
export async function get(em: EntityManager, userId: string, projectId: number, options: { withCams: true }): Promise<ProjectWithCamsDto>;
export async function get(em: EntityManager, userId: string, projectId: number, options?: { withCams?: false }): Promise<ProjectDto>;
export async function get(em: EntityManager, userId: string, projectId: number, options: { withCams?: boolean } = {}): Promise<ProjectDto | ProjectWithCamsDto> {
  const [owner, project] = ownedRecordIds(userId, projectId);
  const { withCams } = parseInput(projectGetOptionsSchema, options);
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
  const owner = parseInput(userIdSchema, userId);
  const { limit, after, orderBy, direction, search, withCams } = parseInput(projectListOptionsSchema, options);
  const ordering = `${orderBy}:${direction}`;
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
  const [owner, project] = ownedRecordIds(userId, projectId);
  const { name, description } = parseInput(projectPatchSchema, patch);
  return (await repository(em).updateOwned(owner, project, name, description)) ?? notFound(project);
}

/** Deletes the project with its cams. */
async function remove(em: EntityManager, userId: string, projectId: number): Promise<void> {
  const [owner, project] = ownedRecordIds(userId, projectId);
  if (!(await repository(em).deleteOwned(owner, project))) notFound(project);
}
export { remove as delete };

/** A copy of the project and all its cams, created in one statement. */
export async function duplicate(
  em: EntityManager,
  userId: string,
  projectId: number,
  options: ProjectDuplicateOptions = {},
): Promise<ProjectWithCamsDto> {
  const [owner, project] = ownedRecordIds(userId, projectId);
  const { name } = parseInput(projectDuplicateOptionsSchema, options);
  return (await repository(em).duplicateOwned(owner, project, name)) ?? notFound(project);
}

/** The project and its cams, with profiles, as a versioned JSON document that `import` reads back. */
async function exportProject(em: EntityManager, userId: string, projectId: number): Promise<ProjectDocument> {
  const [owner, project] = ownedRecordIds(userId, projectId);
  const exported = (await repository(em).findForExport(owner, project)) ?? notFound(project);
  return { format: PROJECT_DOCUMENT_FORMAT, version: PROJECT_DOCUMENT_VERSION, exportedAt: new Date().toISOString(), project: exported };
}

/** Validates the whole document first, then creates the project with all its cams in one statement. */
async function importProject(em: EntityManager, userId: string, document: unknown): Promise<ProjectWithCamsDto> {
  const owner = parseInput(userIdSchema, userId);
  const { project } = parseInput(projectDocumentSchema, document);
  return repository(em).insertWithCams(owner, project);
}
export { exportProject as export, importProject as import };


function notFound(id: number): never {
  throw new NotFoundError('Project', id);
}
