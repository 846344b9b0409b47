import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.ts';
import { decodeCursor, toPage, type Page } from '../common/pagination.ts';
import { addToLoadedCollection, flushPending, forgetDeleted, held, refreshManaged } from '../common/unit-of-work.ts';
import { ownedRecordIds, parseInput } from '../common/validation.ts';
import { Project } from '../project/project.entity.ts';
import { writeCams } from './cam-writes.ts';
import { Cam } from './cam.entity.ts';
import type { CamRepository } from './cam.repository.ts';
import type { StoredCam, UpdateState } from './cam.statements.ts';
import {
  camInputSchema,
  camListOptionsSchema,
  camPatchSchema,
  camUpdateOptionsSchema,
  liftMismatch,
  liftsDisagree,
  type CamDto,
  type CamInput,
  type CamListOptions,
  type CamPatch,
  type CamSummaryDto,
  type CamUpdateOptions,
} from './cam.schemas.ts';
import { analyzeProfile, maxLiftOf } from './profile-analysis.ts';

/** The most cams one `createMany` call takes. */
export const MAX_CAMS_PER_CALL = 10_000;
const CAM_ORDERING = 'id:asc';
/** Every statement on cams reads the user's project too. */
const TOUCHED = [Cam, Project];

const repository = (em: EntityManager) => em.getRepository<Cam, CamRepository>(Cam);
const camInputsSchema = z.array(camInputSchema).min(1).max(MAX_CAMS_PER_CALL);

/** Adds a cam to one of the user's projects. */
export async function create(em: EntityManager, userId: string, projectId: number, input: CamInput): Promise<CamDto> {
  const [owner, project] = ownedRecordIds(userId, projectId, 'projectId');
  const cam = parseInput(camInputSchema, input);
  await flushPending(em, TOUCHED);
  const row = (await repository(em).insertIntoOwnedProject(owner, project, cam)) ?? notFound('Project', project);
  addToLoadedCollection(em, Project, project, (owned) => owned.cams, Cam, () => [{ ...camData(row, row.profilePoints), user: owner }]);
  return withAnalysis(row);
}

/** Adds many cams, all or none; returns them in input order, without profiles. */
export async function createMany(em: EntityManager, userId: string, projectId: number, inputs: CamInput[]): Promise<CamSummaryDto[]> {
  const [owner, project] = ownedRecordIds(userId, projectId, 'projectId');
  const cams = parseInput(camInputsSchema, inputs);
  await flushPending(em, TOUCHED);
  const created = (await writeCams(em, owner, project, cams)) ?? notFound('Project', project);
  addToLoadedCollection(em, Project, project, (owned) => owned.cams, Cam, () => created.map((row, index) => ({ ...camData(row, cams[index]!.profilePoints ?? null), user: owner })));
  return created;
}

export async function get(em: EntityManager, userId: string, camId: number): Promise<CamDto> {
  const [owner, cam] = ownedRecordIds(userId, camId, 'camId');
  await flushPending(em, TOUCHED);
  const row = await repository(em).findOwned(owner, cam);
  return row ? withAnalysis(row) : notFound('Cam', cam);
}

/** A page of a project's cams (oldest first), filtered by type and by lift and duration ranges. */
export async function list(em: EntityManager, userId: string, projectId: number, options: CamListOptions = {}): Promise<Page<CamSummaryDto>> {
  const [owner, project] = ownedRecordIds(userId, projectId, 'projectId');
  const { limit, after, ...filters } = parseInput(camListOptionsSchema, options);
  const afterId = after === undefined ? 0 : decodeCursor(after, CAM_ORDERING).id;
  await flushPending(em, TOUCHED);
  const rows = await repository(em).listInOwnedProject(owner, project, filters, limit + 1, afterId);
  if (!rows) notFound('Project', project);
  return toPage(rows, limit, (last) => ({ ordering: CAM_ORDERING, key: last.id, id: last.id }));
}

/**
 * Changes some of a cam's fields and increments its version. With `expectedVersion`, a cam changed since the caller
 * read it is refused with a `ConflictError` and left as it is: of two editors of the same version, exactly one wins.
 */
export async function update(
  em: EntityManager,
  userId: string,
  camId: number,
  patch: CamPatch,
  options: CamUpdateOptions = {},
): Promise<CamDto> {
  const [owner, cam] = ownedRecordIds(userId, camId, 'camId');
  const changes = parseInput(camPatchSchema, patch);
  const { expectedVersion } = parseInput(camUpdateOptionsSchema, options);
  await flushPending(em, TOUCHED);
  for (let attempt = 1; ; attempt++) {
    const row = await repository(em).updateOwned(owner, cam, changes, expectedVersion);
    if (row) {
      // Only what the statement set or the database changed: other pending changes of a managed Cam stay pending.
      refreshManaged(em, Cam, row.id, changes.profilePoints === undefined ? camData(row) : camData(row, row.profilePoints));
      return withAnalysis(row);
    }
    // Nothing was written: find out why, to say so precisely. A second statement sees writes committed since the
    // first: when none of the update's conditions fails any more, a concurrent write made it fail, and it is tried again.
    const state = await repository(em).findUpdateState(owner, cam);
    if (!state) notFound('Cam', cam);
    const refusal = updateRefusal(cam, changes, expectedVersion, state);
    if (refusal) throw refusal;
    if (attempt === UPDATE_ATTEMPTS) {
      throw new ConflictError(`Cam ${cam} kept changing while it was updated: repeat the update`, { retryable: true });
    }
  }
}

/** How often `update` tries a write that concurrent writes keep refusing and letting through in turn. */
const UPDATE_ATTEMPTS = 3;

/** Why the update cannot apply to the cam as it is stored now, or `undefined` when it can. */
function updateRefusal(camId: number, changes: CamPatch, expectedVersion: number | undefined, state: UpdateState): Error | undefined {
  if (expectedVersion !== undefined && state.version !== expectedVersion) {
    return new ConflictError(`Cam ${camId} is at version ${state.version}, not ${expectedVersion}: it changed since it was read`);
  }
  // An update of only one of lift and profile must agree with the other as stored.
  let lifts: [lift: number, profileLift: number] | undefined;
  if (changes.lift === undefined && changes.profilePoints) lifts = [state.lift, maxLiftOf(changes.profilePoints)];
  if (changes.lift !== undefined && changes.profilePoints === undefined && state.profileLift !== null) lifts = [changes.lift, state.profileLift];
  if (!lifts || !liftsDisagree(...lifts)) return undefined;
  return new ValidationError([{ path: ['lift'], message: liftMismatch(...lifts), code: 'custom' }]);
}

async function remove(em: EntityManager, userId: string, camId: number): Promise<void> {
  const [owner, cam] = ownedRecordIds(userId, camId, 'camId');
  await flushPending(em, TOUCHED);
  if (!(await repository(em).deleteOwned(owner, cam))) notFound('Cam', cam);
  forgetDeleted(em, [held(em, Cam, cam)]);
}
export { remove as delete };

/** The figures derived from the profile travel with every whole cam. */
function withAnalysis(row: StoredCam): CamDto {
  const dto = row as CamDto;
  dto.profileAnalysis = row.profilePoints ? analyzeProfile(row.profilePoints) : null;
  return dto;
}


/** The entity data of a cam row; its profile only when the caller has it. */
function camData(row: CamSummaryDto, profilePoints?: StoredCam['profilePoints']) {
  const { id, projectId, name, camType, lift, duration, version, createdAt, updatedAt } = row;
  const data = { id, project: projectId, name, camType, lift, duration, version, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) };
  return profilePoints === undefined ? data : { ...data, profilePoints };
}

function notFound(entity: 'Project' | 'Cam', id: number): never {
  throw new NotFoundError(entity, id);
}
