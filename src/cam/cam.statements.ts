/**
 * The SQL statements on `cams`, each built once with Kysely against the entity-derived tables (`sql/statement.ts`);
 * `CamRepository` runs them. Their SQL, as sent, is committed beside this file (`cam.statements.sql`).
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Tables } from '../entities.ts';
import { ownedProject } from '../project/project.projections.ts';
import { float8, isoTimestampInReturning, selection } from '../sql/expressions.ts';
import { Statement, StatementVariants } from '../sql/statement.ts';
import { copyStagedCams, STAGING_TABLE, withStaging, type StagedCam } from './staged-cams.ts';
import { camColumns, camSummaryColumns } from './cam.projections.ts';
import { LIFT_TOLERANCE, type CamDto, type CamSummaryDto } from './cam.schemas.ts';
import { NEW_CAM_COLUMNS, newCamRows, newCamsTable, type NewCamParams } from './new-cams.ts';
import type { CamType } from './cam-type.ts';
import type { ProfilePoint } from './profile-points.ts';

/** A cam as stored; the service adds the figures derived from its profile. */
export type StoredCam = Omit<CamDto, 'profileAnalysis'>;

export interface CamChanges {
  name?: string;
  camType?: CamDto['camType'];
  lift?: number;
  duration?: number;
  /** `undefined` keeps the stored profile, `null` removes it. */
  profilePoints?: ProfilePoint[] | null;
}

export interface CamListFilters {
  camType?: CamDto['camType'];
  liftMin?: number;
  liftMax?: number;
  durationMin?: number;
  durationMax?: number;
}

/** What an update that wrote nothing is checked against: the stored version, lift and profile's maximum lift. */
export type UpdateState = { version: number; lift: number; profileLift: number | null };

/** The maximum lift of a cam's stored profile, computed where the profile is. */
function storedProfileLift(eb: ExpressionBuilder<Tables, 'cams'>) {
  return sql<number | null>`(select max((point->>'radius')::float8) - min((point->>'radius')::float8) from jsonb_array_elements(${eb.ref('cams.profile_points')}) point)`;
}

type Owned = { userId: string };
type OwnedCam = Owned & { camId: number };
type IntoProject = Owned & { projectId: number };

/** One cam into a project of the user: none when the user has no such project. */
const insertIntoOwnedProject = new Statement<IntoProject & NewCamParams, CamSummaryDto>(
  ({ db, schema, param }) =>
    db
      .insertInto('cams')
      .columns(NEW_CAM_COLUMNS)
      .expression(
        ownedProject(db, param('userId'), param('projectId')).select([
          'projects.user_id',
          'projects.id',
          param('name').as('name'),
          param('camType').as('cam_type'),
          param('lift').as('lift'),
          param('duration').as('duration'),
          sql<string | null>`${param('profilePoints')}::jsonb`.as('profile_points'),
        ]),
      )
      .returning((eb) => selection(camSummaryColumns(eb, isoTimestampInReturning(schema)))),
  { actingAs: { user: 'userId' }, createsRows: true },
);

/**
 * Many cams into a project of the user, compiled once per number of cams: the project's row cross-joined with the
 * VALUES. A cross join has no join condition, so PostgreSQL can only run it as a nested loop: the rows reach the
 * INSERT in the order given, and take their serial ids in that order, without a sort.
 */
const insertManyIntoOwnedProject = new StatementVariants<number, IntoProject & { cams: NewCamParams[] }, CamSummaryDto>(
  ({ db, schema, param, item }, count) =>
    db
      .insertInto('cams')
      .columns(NEW_CAM_COLUMNS)
      .expression(
        ownedProject(db, param('userId'), param('projectId'))
          .crossJoin(newCamsTable(item, 'cams', count))
          .select(['projects.user_id', 'projects.id', 'new_cam.name', 'new_cam.camType', 'new_cam.lift', 'new_cam.duration', 'new_cam.profilePoints']),
      )
      .returning((eb) => selection(camSummaryColumns(eb, isoTimestampInReturning(schema)))),
  { actingAs: { user: 'userId' }, createsRows: true, examples: [1, 2], maxVariants: 8 },
);

/**
 * Many cams into a project that the transaction created itself (`created-projects.ts`), compiled once per number of
 * cams: plain multi-row VALUES, without the ownership check.
 */
const insertManyIntoCreatedProject = new StatementVariants<number, IntoProject & { cams: NewCamParams[] }, CamSummaryDto>(
  ({ db, schema, param, item }, count) =>
    db
      .insertInto('cams')
      .columns(NEW_CAM_COLUMNS)
      .expression(sql`values ${sql.join(newCamRows(item, 'cams', count, [sql`${param('userId')}::varchar`, sql`${param('projectId')}::int`]))}`)
      .returning((eb) => selection(camSummaryColumns(eb, isoTimestampInReturning(schema)))),
  { actingAs: { user: 'userId' }, createsRows: true, examples: [1, 2], maxVariants: 8 },
);

/** The staging table of a bulk write (`staged-cams.ts`), created the first time the transaction needs it. */
const createStaging = new Statement<Owned, never>(
  () => sql`create temp table if not exists ${sql.table(STAGING_TABLE)} (name text, cam_type text, lift numeric, duration int, profile_points jsonb) on commit drop`,
  { actingAs: { user: 'userId' } },
);

/**
 * The staged cams into a project of the user, emptying the staging table: the rows it reads are the rows it deletes.
 * The project's row is cross-joined with them, so they reach the INSERT in the order they were copied and take their
 * serial ids in that order; none when the user has no such project. Variants: into a project the transaction created
 * itself (`created-projects.ts`), which needs no ownership check.
 */
const insertStaged = new StatementVariants<boolean, IntoProject, CamSummaryDto>(
  ({ db, schema, param }, intoCreatedProject) => {
    // The rows the CTE deleted, by the CTE's name.
    const staged = sql<StagedCam>`staged`.as('staged');
    return withStaging(db)
      .with('staged', (db) => db.deleteFrom(STAGING_TABLE).returningAll())
      .insertInto('cams')
      .columns(NEW_CAM_COLUMNS)
      .expression(
        intoCreatedProject
          ? db
              .selectFrom(staged)
              .select([
                sql<string>`${param('userId')}::varchar`.as('user_id'),
                sql<number>`${param('projectId')}::int`.as('project_id'),
                'staged.name',
                'staged.cam_type',
                'staged.lift',
                'staged.duration',
                'staged.profile_points',
              ])
          : ownedProject(db, param('userId'), param('projectId'))
              .crossJoin(staged)
              .select(['projects.user_id', 'projects.id', 'staged.name', 'staged.cam_type', 'staged.lift', 'staged.duration', 'staged.profile_points']),
      )
      .returning((eb) => selection(camSummaryColumns(eb, isoTimestampInReturning(schema))));
  },
  { actingAs: { user: 'userId' }, createsRows: true, examples: [false, true] },
);

const findOwned = new Statement<OwnedCam, StoredCam>(({ db, param }) =>
  db
    .selectFrom('cams')
    .select((eb) => selection(camColumns(eb)))
    .where('cams.id', '=', param('camId'))
    .where('cams.user_id', '=', param('userId')),
  { actingAs: { user: 'userId' } },
);

/**
 * One page of a project's cams by id, with the project as the outer row: "no such project" (no row) and "no cams" (one
 * row of nulls) are told apart in one statement. A filter left out is a null parameter, which the server's plan for
 * the call's values drops.
 */
/** `filter` only when `value` is given: a null parameter makes it true, and the server's plan for the call drops it. */
function unlessNull(value: Expression<unknown>, type: 'text' | 'numeric' | 'int', filter: Expression<SqlBool>) {
  return sql<boolean>`(${value}::${sql.raw(type)} is null or ${filter})`;
}

type ListParams = IntoProject & { afterId: number; limit: number } & { [Filter in keyof CamListFilters]-?: CamListFilters[Filter] | null };
const listInOwnedProject = new Statement<ListParams, CamSummaryDto & { id: number | null }>(
  ({ db, param }) =>
    ownedProject(db, param('userId'), param('projectId'))
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('cams')
            .select((cams) => selection(camSummaryColumns(cams)))
            .where('cams.user_id', '=', param('userId'))
            .where('cams.project_id', '=', param('projectId'))
            .where('cams.id', '>', param('afterId'))
            .where((cams) => unlessNull(param('camType'), 'text', cams('cams.cam_type', '=', param('camType'))))
            .where((cams) => unlessNull(param('liftMin'), 'numeric', cams('cams.lift', '>=', param('liftMin'))))
            .where((cams) => unlessNull(param('liftMax'), 'numeric', cams('cams.lift', '<=', param('liftMax'))))
            .where((cams) => unlessNull(param('durationMin'), 'int', cams('cams.duration', '>=', param('durationMin'))))
            .where((cams) => unlessNull(param('durationMax'), 'int', cams('cams.duration', '<=', param('durationMax'))))
            .orderBy('cams.id')
            .limit(param('limit'))
            .as('page'),
        (join) => join.onTrue(),
      )
      .selectAll('page'),
  { actingAs: { user: 'userId' } },
);

type UpdateParams = OwnedCam & {
  name: string | null;
  camType: string | null;
  lift: number | null;
  duration: number | null;
  profilePoints: string | null;
  expectedVersion: number | null;
  /** A new profile without a new lift: its maximum lift (null for no profile), which the stored lift must match. */
  newProfileLift: number | null;
};

/** What a call of `cams.update` changes and checks: the variant of `updateOwned` compiled for it. */
type UpdateShape = {
  name: boolean;
  camType: boolean;
  lift: boolean;
  duration: boolean;
  profilePoints: boolean;
  expectedVersion: boolean;
};

/**
 * Applies the changes in one statement, only if the cam is the user's, is at the expected version (when given), and
 * its lift and profile still agree where the changes touch only one of them: a new profile without a new lift must
 * match the stored lift, a new lift without a new profile the stored profile (if any). One variant per shape of call,
 * setting and checking only what the call changes: one statement that kept every other field with `coalesce` and
 * carried the lift check's subquery made the server plan all of it on every call. A new profile is not read back (the
 * caller has it).
 */
const updateOwned = new StatementVariants<UpdateShape, UpdateParams, CamSummaryDto & Partial<StoredCam>>(
  ({ db, schema, param }, shape) =>
    db
      .updateTable('cams')
      .set((eb) => ({
        // A field of the shape is never null in the call's parameters.
        ...(shape.name && { name: sql<string>`${param('name')}` }),
        ...(shape.camType && { cam_type: sql<CamType>`${param('camType')}` }),
        ...(shape.lift && { lift: sql<number>`${param('lift')}` }),
        ...(shape.duration && { duration: sql<number>`${param('duration')}` }),
        ...(shape.profilePoints && { profile_points: sql<ProfilePoint[] | null>`${param('profilePoints')}::jsonb` }),
        version: eb('cams.version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('cams.id', '=', param('camId'))
      .where('cams.user_id', '=', param('userId'))
      .$if(shape.expectedVersion, (query) => query.where('cams.version', '=', param('expectedVersion')))
      .$if(shape.profilePoints && !shape.lift, (query) =>
        query.where((eb) => sql<boolean>`(${param('newProfileLift')}::float8 is null or abs(${float8(eb.ref('cams.lift'))} - ${param('newProfileLift')}) <= ${LIFT_TOLERANCE})`),
      )
      .$if(shape.lift && !shape.profilePoints, (query) =>
        query.where((eb) => sql<boolean>`(${eb.ref('cams.profile_points')} is null or abs(${storedProfileLift(eb)} - ${param('lift')}) <= ${LIFT_TOLERANCE})`),
      )
      .returning((eb) => selection(shape.profilePoints ? camSummaryColumns(eb, isoTimestampInReturning(schema)) : camColumns(eb, isoTimestampInReturning(schema)))),
  {
    actingAs: { user: 'userId' },
    examples: [
      { name: false, camType: false, lift: false, duration: true, profilePoints: false, expectedVersion: true },
      { name: false, camType: false, lift: true, duration: false, profilePoints: false, expectedVersion: false },
      { name: false, camType: false, lift: false, duration: false, profilePoints: true, expectedVersion: false },
      { name: true, camType: true, lift: true, duration: true, profilePoints: true, expectedVersion: true },
    ],
  },
);

const findUpdateState = new Statement<OwnedCam, UpdateState>(({ db, param }) =>
  db
    .selectFrom('cams')
    .select((eb) => ['cams.version', float8(eb.ref('cams.lift')).as('lift'), storedProfileLift(eb).as('profileLift')])
    .where('cams.id', '=', param('camId'))
    .where('cams.user_id', '=', param('userId')),
  { actingAs: { user: 'userId' } },
);

const deleteOwned = new Statement<OwnedCam, { id: number }>(({ db, param }) =>
  db.deleteFrom('cams').where('cams.id', '=', param('camId')).where('cams.user_id', '=', param('userId')).returning('cams.id'),
  { actingAs: { user: 'userId' } },
);

/** Every statement of `CamRepository`, by name: `npm run sql:generate` writes their SQL to `cam.statements.sql`. */
export const CAM_STATEMENTS = {
  insertIntoOwnedProject,
  insertManyIntoOwnedProject,
  insertManyIntoCreatedProject,
  createStaging,
  copyStagedCams,
  insertStaged,
  findOwned,
  listInOwnedProject,
  updateOwned,
  findUpdateState,
  deleteOwned,
};
