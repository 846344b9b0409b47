import { EntityRepository } from '@mikro-orm/postgresql';
import { runSql, selectList } from '../common/sql.ts';
import type { Cam } from './cam.entity.ts';
import type { ProfilePoint } from './profile-points.ts';
import { CAM_WRITE_COLUMNS, camFields, camSummaryFields, camValuesList, type CamValues } from './cam.fields.ts';
import { LIFT_TOLERANCE_MM, type CamDto, type CamSummaryDto } from './cam.schemas.ts';
import { maxLiftOf } from './profile-analysis.ts';

const CAM = selectList(camFields);
const CAM_SUMMARY = selectList(camSummaryFields);
/** Cams are reached only through a project of the acting user: another user's cam is as absent as a missing one. */
const OWNED = 'p.id = c.project_id and p.user_id = $1';
/** The maximum lift of the stored profile, computed where the profile is. */
const STORED_PROFILE_LIFT = `(select max((point->>'radius')::float8) - min((point->>'radius')::float8) from jsonb_array_elements(c.profile_points) point)`;
const LIFT_TOLERANCE = `${LIFT_TOLERANCE_MM} + 1e-9`;

/** A cam as stored; the service adds the figures derived from its profile. */
export type CamRow = Omit<CamDto, 'profileAnalysis'>;

export interface CamChanges {
  name?: string;
  camType?: string;
  lift?: number;
  duration?: number;
  /** `undefined` keeps the stored profile, `null` removes it. */
  profilePoints?: ProfilePoint[] | null;
}

export interface CamListFilters {
  camType?: string;
  liftMin?: number;
  liftMax?: number;
  durationMin?: number;
  durationMax?: number;
}

/** Every statement on `cams`. Each method is one statement and returns DTO rows, never entities. */
export class CamRepository extends EntityRepository<Cam> {
  /** Inserts into a project of the user; `undefined` when the user has no such project. */
  async insertIntoOwnedProject(userId: string, projectId: number, cam: CamValues): Promise<CamRow | undefined> {
    const [row] = await runSql<CamSummaryDto>(
      this.em,
      `insert into cams as c (project_id, ${CAM_WRITE_COLUMNS})
       select p.id, $3, $4, $5, $6, $7::jsonb from projects p where p.id = $2 and p.user_id = $1
       returning ${CAM_SUMMARY}`,
      [userId, projectId, cam.name, cam.camType, cam.lift, cam.duration, jsonOrNull(cam.profilePoints)],
    );
    // The stored profile is the caller's: sending it back would only cost a round of JSON both ways.
    return row && { ...row, profilePoints: cam.profilePoints ?? null };
  }

  /** Inserts many cams in one statement, in input order; none when the user has no such project. */
  async insertManyIntoOwnedProject(userId: string, projectId: number, cams: readonly CamValues[]): Promise<CamSummaryDto[]> {
    const parameters: unknown[] = [userId, projectId];
    const rows = await runSql<CamSummaryDto>(
      this.em,
      `insert into cams as c (project_id, ${CAM_WRITE_COLUMNS})
       select p.id, input.name, input.cam_type, input.lift, input.duration, input.profile_points
       from projects p, ${camValuesList(cams, parameters)}
       where p.id = $2 and p.user_id = $1
       order by input.ordinality
       returning ${CAM_SUMMARY}`,
      parameters,
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  async findOwned(userId: string, camId: number): Promise<CamRow | undefined> {
    const [row] = await runSql<CamRow>(this.em, `select ${CAM} from cams c join projects p on ${OWNED} where c.id = $2`, [userId, camId]);
    return row;
  }

  /**
   * One page of a project's cams by id, or `undefined` when the user has no such project. The project is the outer
   * row, so "no project" (no row) and "no cams" (one row of nulls) are told apart in one statement.
   */
  async listInOwnedProject(
    userId: string,
    projectId: number,
    filters: CamListFilters,
    limit: number,
    afterId: number,
  ): Promise<CamSummaryDto[] | undefined> {
    const parameters: unknown[] = [userId, projectId, afterId, limit];
    const conditions = ['c.project_id = p.id', 'c.id > $3'];
    const where = (sql: (placeholder: string) => string, value: unknown) => {
      if (value !== undefined) conditions.push(sql(`$${parameters.push(value)}`));
    };
    where((v) => `c.cam_type = ${v}`, filters.camType);
    where((v) => `c.lift >= ${v}`, filters.liftMin);
    where((v) => `c.lift <= ${v}`, filters.liftMax);
    where((v) => `c.duration >= ${v}`, filters.durationMin);
    where((v) => `c.duration <= ${v}`, filters.durationMax);
    const rows = await runSql<CamSummaryDto & { id: number | null }>(
      this.em,
      `select ${CAM_SUMMARY} from projects p
       left join lateral (select * from cams c where ${conditions.join(' and ')} order by c.id limit $4) c on true
       where p.id = $2 and p.user_id = $1`,
      parameters,
    );
    return rows.length === 0 ? undefined : rows.filter((row) => row.id !== null);
  }

  /**
   * Applies the changes in one statement, only if the cam is the user's, is at `expectedVersion` (when given), and
   * its lift and profile still agree where the changes touch only one of them. `undefined` when any of that fails:
   * `findUpdateState` then tells which. The statement names only what changes and what must be checked, so the
   * common edit is as small as a hand-written one.
   */
  async updateOwned(userId: string, camId: number, changes: CamChanges, expectedVersion: number | undefined): Promise<CamRow | undefined> {
    const parameters: unknown[] = [userId, camId];
    const placeholder = (value: unknown) => `$${parameters.push(value)}`;
    const assignments = ['version = c.version + 1'];
    const conditions = [`c.id = $2`, OWNED];
    if (changes.name !== undefined) assignments.push(`name = ${placeholder(changes.name)}`);
    if (changes.camType !== undefined) assignments.push(`cam_type = ${placeholder(changes.camType)}`);
    if (changes.lift !== undefined) assignments.push(`lift = ${placeholder(changes.lift)}`);
    if (changes.duration !== undefined) assignments.push(`duration = ${placeholder(changes.duration)}`);
    if (changes.profilePoints !== undefined) assignments.push(`profile_points = ${placeholder(jsonOrNull(changes.profilePoints))}::jsonb`);
    if (expectedVersion !== undefined) conditions.push(`c.version = ${placeholder(expectedVersion)}`);
    if (changes.profilePoints && changes.lift === undefined) {
      conditions.push(`abs(c.lift::float8 - ${placeholder(maxLiftOf(changes.profilePoints))}) <= ${LIFT_TOLERANCE}`);
    }
    if (changes.lift !== undefined && changes.profilePoints === undefined) {
      conditions.push(`(c.profile_points is null or abs(${STORED_PROFILE_LIFT} - ${placeholder(changes.lift)}) <= ${LIFT_TOLERANCE})`);
    }
    // A profile the changes set is not read back: the caller has it.
    const profileGiven = changes.profilePoints !== undefined;
    const [row] = await runSql<CamSummaryDto & Partial<CamRow>>(
      this.em,
      `update cams as c set ${assignments.join(', ')} from projects p where ${conditions.join(' and ')}
       returning ${profileGiven ? CAM_SUMMARY : CAM}`,
      parameters,
    );
    return row && (profileGiven ? { ...row, profilePoints: changes.profilePoints ?? null } : (row as CamRow));
  }

  /** What an update is checked against: the stored version, lift and profile lift, or `undefined` if not the user's. */
  async findUpdateState(userId: string, camId: number): Promise<{ version: number; lift: number; profileLift: number | null } | undefined> {
    const [row] = await runSql<{ version: number; lift: number; profileLift: number | null }>(
      this.em,
      `select c.version, c.lift::float8 as lift, ${STORED_PROFILE_LIFT} as "profileLift"
       from cams c join projects p on ${OWNED} where c.id = $2`,
      [userId, camId],
    );
    return row;
  }

  async deleteOwned(userId: string, camId: number): Promise<boolean> {
    const deleted = await runSql(this.em, `delete from cams c using projects p where c.id = $2 and ${OWNED} returning c.id`, [userId, camId]);
    return deleted.length > 0;
  }
}

function jsonOrNull(points: ProfilePoint[] | null | undefined): string | null {
  return points ? JSON.stringify(points) : null;
}
