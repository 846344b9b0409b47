import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../common/transaction.ts';
import { createdInTransaction } from '../project/created-projects.ts';
import { Cam } from './cam.entity.ts';
import type { CamRepository } from './cam.repository.ts';
import type { NewCam } from './new-cams.ts';
import type { CamSummaryDto } from './cam.schemas.ts';

/**
 * From this many cams a write on the package's own pool streams them with one COPY, which loads rows faster than a
 * multi-row INSERT; below it the extra statements COPY needs cost more than they save (`node bench/copy-threshold.ts`:
 * COPY took 1.15 times an INSERT's time for 10 cams, 0.77 to 0.89 for 25, less still for more).
 */
const COPY_FROM_CAMS = 25;

/**
 * Cams per INSERT statement (five parameters each), and profile points: a statement stays in the tens of megabytes.
 * The server's cost of a multi-row INSERT grows faster than its rows: one statement of 10,000 profiled cams took more
 * than twice as long as ten of 1,000, and batches of 500 or 2,000 were no faster than 1,000.
 */
const BATCH_CAMS = 1000;
const BATCH_POINTS = 500_000;

/**
 * Writes the cams into a project of the user, all or none, in input order; `undefined` when the user has no such
 * project. With 25 cams or more on the package's own pool, one COPY; otherwise (fewer, or a host application's
 * connections, which cannot stream COPY) a multi-row INSERT per 1,000 cams, without the ownership check into a project
 * the transaction created itself or where the foreign key checks it (`keyChecksOwnership()`). More than one statement
 * runs in one transaction: the EntityManager's own, or a new one.
 */
export async function writeCams(em: EntityManager, userId: string, projectId: number, cams: readonly NewCam[]): Promise<CamSummaryDto[] | undefined> {
  if (streamsCams(em, cams.length)) {
    return inTransaction(em, async (unit) => {
      const unchecked = createdInTransaction(unit, userId, projectId) || (await repository(unit).keyChecksOwnership());
      const created = await repository(unit).copyIntoProject(userId, projectId, cams, unchecked);
      return created.length === 0 ? undefined : created;
    });
  }
  const batches = camBatches(cams);
  const insertAll = async (unit: EntityManager) => {
    const created: CamSummaryDto[] = [];
    const unchecked = createdInTransaction(unit, userId, projectId) || (await repository(unit).keyChecksOwnership());
    for (const batch of batches) {
      const rows = unchecked
        ? await repository(unit).insertManyIntoCreatedProject(userId, projectId, batch)
        : await repository(unit).insertManyIntoOwnedProject(userId, projectId, batch);
      if (rows.length === 0) return undefined;
      created.push(...rows);
    }
    return created;
  };
  // One batch is one statement, atomic on its own.
  return batches.length === 1 ? insertAll(em) : inTransaction(em, insertAll);
}

/** Whether `writeCams` streams this many cams with COPY on this EntityManager. */
export function streamsCams(em: EntityManager, count: number): boolean {
  return count >= COPY_FROM_CAMS && repository(em).canCopy();
}

const repository = (em: EntityManager) => em.getRepository<Cam, CamRepository>(Cam);

/** The cams in input order, cut into the batches that one INSERT each writes; one empty batch for none. */
export function camBatches<Cam extends Pick<NewCam, 'profilePoints'>>(cams: readonly Cam[]): Cam[][] {
  const batches: Cam[][] = [];
  let current: Cam[] = [];
  let points = 0;
  for (const cam of cams) {
    const size = cam.profilePoints?.length ?? 0;
    if (current.length === BATCH_CAMS || (current.length > 0 && points + size > BATCH_POINTS)) {
      batches.push(current);
      current = [];
      points = 0;
    }
    current.push(cam);
    points += size;
  }
  batches.push(current);
  return batches;
}
