import { distributedByUser } from '../citus/layout.ts';
import { Repository } from '../sql/repository.ts';
import type { Cam } from './cam.entity.ts';
import type { CamSummaryDto } from './cam.schemas.ts';
import { CAM_STATEMENTS as statements, type CamChanges, type CamListFilters, type StoredCam, type UpdateState } from './cam.statements.ts';
import { newCamParams, profileJson, type NewCam } from './new-cams.ts';
import { maxLiftOf } from './profile-analysis.ts';
import { copyChunks } from './staged-cams.ts';

/**
 * The statements on `cams`. Each method runs one statement and returns DTO rows, never entities; `copyIntoProject`
 * runs three, in the caller's transaction.
 */
export class CamRepository extends Repository<Cam> {
  /**
   * Whether the database's own key proves that a new cam's project is the user's: where the tables are distributed by
   * user, the foreign key `(user_id, project_id) → projects (user_id, id)`. The cams then go in as plain VALUES, which
   * Citus sends to the user's worker as they are, and a project that is not the user's fails as one not found.
   */
  keyChecksOwnership(): Promise<boolean> {
    return distributedByUser(this.em, this.table);
  }

  /** Inserts into a project of the user; `undefined` when the user has no such project. */
  async insertIntoOwnedProject(userId: string, projectId: number, cam: NewCam): Promise<StoredCam | undefined> {
    const [row] = (await this.keyChecksOwnership())
      ? await this.run(statements.insertManyIntoCreatedProject.of(1), { userId, projectId, cams: [newCamParams(cam)] })
      : await this.run(statements.insertIntoOwnedProject, { userId, projectId, ...newCamParams(cam) });
    // The stored profile is the caller's: sending it back would only cost a round of JSON both ways.
    return row && { ...row, profilePoints: cam.profilePoints ?? null };
  }

  /** Inserts many cams in one statement, in input order; none when the user has no such project. */
  async insertManyIntoOwnedProject(userId: string, projectId: number, cams: readonly NewCam[]): Promise<CamSummaryDto[]> {
    const rows = await this.run(statements.insertManyIntoOwnedProject.of(cams.length), { userId, projectId, cams: cams.map(newCamParams) });
    // SQL promises no order of RETURNING rows; ids do follow the input.
    return rows.sort((a, b) => a.id - b.id);
  }

  /**
   * Inserts many cams in one statement, in input order, without the ownership check: into a project this transaction
   * created, or where `keyChecksOwnership()`.
   */
  async insertManyIntoCreatedProject(userId: string, projectId: number, cams: readonly NewCam[]): Promise<CamSummaryDto[]> {
    const rows = await this.run(statements.insertManyIntoCreatedProject.of(cams.length), { userId, projectId, cams: cams.map(newCamParams) });
    return rows.sort((a, b) => a.id - b.id);
  }

  /**
   * Copies many cams into a project of the user through the staging table, in input order, and returns their summaries;
   * none when the user has no such project. Three statements: run it inside a transaction, and only where `canCopy()`.
   * `unchecked`: the project is one this transaction created, or `keyChecksOwnership()`: no ownership check.
   */
  async copyIntoProject(userId: string, projectId: number, cams: readonly NewCam[], unchecked: boolean): Promise<CamSummaryDto[]> {
    await this.run(statements.createStaging, { userId });
    await this.copyIn(statements.copyStagedCams, copyChunks(cams));
    const rows = await this.run(statements.insertStaged.of(unchecked), { userId, projectId });
    return rows.sort((a, b) => a.id - b.id);
  }

  async findOwned(userId: string, camId: number): Promise<StoredCam | undefined> {
    const [row] = await this.run(statements.findOwned, { userId, camId });
    return row;
  }

  /** One page of a project's cams by id, or `undefined` when the user has no such project. */
  async listInOwnedProject(userId: string, projectId: number, filters: CamListFilters, limit: number, afterId: number): Promise<CamSummaryDto[] | undefined> {
    const { camType = null, liftMin = null, liftMax = null, durationMin = null, durationMax = null } = filters;
    const rows = await this.run(statements.listInOwnedProject, { userId, projectId, afterId, limit, camType, liftMin, liftMax, durationMin, durationMax });
    return rows.length === 0 ? undefined : rows.filter((row) => row.id !== null);
  }

  /** The changed cam, or `undefined` when nothing was written: `findUpdateState` then tells why. */
  async updateOwned(userId: string, camId: number, changes: CamChanges, expectedVersion: number | undefined): Promise<StoredCam | undefined> {
    const { name = null, camType = null, lift = null, duration = null, profilePoints } = changes;
    const setsProfile = profilePoints !== undefined;
    const shape = {
      name: name !== null,
      camType: camType !== null,
      lift: lift !== null,
      duration: duration !== null,
      profilePoints: setsProfile,
      expectedVersion: expectedVersion !== undefined,
    };
    const [row] = await this.run(statements.updateOwned.of(shape), {
      userId,
      camId,
      name,
      camType,
      lift,
      duration,
      profilePoints: profileJson(profilePoints),
      expectedVersion: expectedVersion ?? null,
      newProfileLift: profilePoints && lift === null ? maxLiftOf(profilePoints) : null,
    });
    return row && (setsProfile ? { ...row, profilePoints: profilePoints ?? null } : (row as StoredCam));
  }

  /** What an update is checked against, or `undefined` if the cam is not the user's. */
  async findUpdateState(userId: string, camId: number): Promise<UpdateState | undefined> {
    const [row] = await this.run(statements.findUpdateState, { userId, camId });
    return row;
  }

  async deleteOwned(userId: string, camId: number): Promise<boolean> {
    const deleted = await this.run(statements.deleteOwned, { userId, camId });
    return deleted.length > 0;
  }
}
