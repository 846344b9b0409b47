import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type RawBuilder } from 'kysely';
import { float8, isoTimestamp, jsonArrayOr, jsonObject, selection } from '../common/sql-expressions.ts';
import { Repository } from '../common/repository.ts';
import { CopyIn, Statement, statementsByShape } from '../common/statement.ts';
import { copyRow } from '../connection/copy-in.ts';
import type { Tables } from '../common/tables.ts';
import type { Cam } from './cam.entity.ts';
import type { ProfilePoint } from './profile-points.ts';
import { LIFT_TOLERANCE, type CamDto, type CamSummaryDto } from './cam.schemas.ts';
import { maxLiftOf } from './profile-analysis.ts';

type Cams = ExpressionBuilder<Tables, 'cams'>;

/**
 * A `CamSummaryDto` over `cams`. Columns are unqualified: every statement evaluates it where `cams` is the innermost
 * table in scope (the ownership check on `projects` is an `exists`, never a join).
 */
export function camSummaryShape(eb: Cams) {
  return {
    id: eb.ref('id'),
    projectId: eb.ref('project_id'),
    name: eb.ref('name'),
    camType: eb.ref('cam_type'),
    lift: float8(eb.ref('lift')),
    duration: eb.ref('duration'),
    version: eb.ref('version'),
    hasProfile: eb('profile_points', 'is not', null),
    createdAt: isoTimestamp(eb.ref('created_at')),
    updatedAt: isoTimestamp(eb.ref('updated_at')),
  };
}

/** A whole cam row; the service adds the profile analysis. */
const camShape = (eb: Cams) => ({ ...camSummaryShape(eb), profilePoints: eb.ref('profile_points') });

/** The cams of a project as a JSON array of summaries, oldest first (`[]` when it has none). */
export function camsOfProject(projectId: Expression<number>) {
  return jsonArrayOr<CamSummaryDto>(
    expressionBuilder<Tables>()
      .selectFrom('cams')
      .select((cams) => sql<CamSummaryDto[]>`json_agg(${jsonObject(camSummaryShape(cams))} order by ${cams.ref('id')})`.as('cams'))
      .where('project_id', '=', projectId),
  );
}

/** Cams are reached only through a project of the acting user: another user's cam is as absent as a missing one. */
function ownedBy(eb: Cams, userId: Expression<string>) {
  return eb.exists(
    eb
      .selectFrom('projects')
      .select(sql.lit(1).as('owned'))
      .whereRef('projects.id', '=', 'cams.project_id')
      .where('projects.user_id', '=', userId),
  );
}

/** The maximum lift of the stored profile, computed where the profile is. */
function storedProfileLift(eb: Cams) {
  return sql<number | null>`(select max((point->>'radius')::float8) - min((point->>'radius')::float8) from jsonb_array_elements(${eb.ref('cams.profile_points')}) point)`;
}

/** A cam as stored; the service adds the figures derived from its profile. */
export type CamRow = Omit<CamDto, 'profileAnalysis'>;

/** What a cam is written with: a validated input. */
export interface CamValues {
  name: string;
  camType: CamDto['camType'];
  lift: number;
  duration: number;
  profilePoints?: ProfilePoint[] | null;
}

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

const insertIntoOwnedProject = new Statement<
  { userId: string; projectId: number; name: string; camType: string; lift: number; duration: number; profilePoints: string | null },
  CamSummaryDto
>(({ db, param }) =>
  db
    .insertInto('cams')
    .columns(['project_id', 'name', 'cam_type', 'lift', 'duration', 'profile_points'])
    .expression(
      db
        .selectFrom('projects')
        .select([
          'projects.id',
          param('name').as('name'),
          param('camType').as('cam_type'),
          param('lift').as('lift'),
          param('duration').as('duration'),
          sql<string | null>`${param('profilePoints')}::jsonb`.as('profile_points'),
        ])
        .where('projects.id', '=', param('projectId'))
        .where('projects.user_id', '=', param('userId')),
    )
    .returning((eb) => selection(camSummaryShape(eb))),
  { createsRows: true },
);

/**
 * Many cams in one statement, compiled once per number of cams. The ownership check is one uncorrelated `exists`,
 * which PostgreSQL evaluates once, before any row (a one-time filter): no join and no sort, so the VALUES reach the
 * INSERT in the order given and take their serial ids in that order. A sort to keep that order, for a thousand cams,
 * was an external merge of 20 MB of parsed profiles on disk (`explain analyze`).
 */
const insertManyIntoOwnedProject = statementsByShape<number, { userId: string; projectId: number; cams: CamRowValues[] }, CamSummaryDto>(
  String,
  ({ db, param, item }, count) =>
    db
      .insertInto('cams')
      .columns(['project_id', 'name', 'cam_type', 'lift', 'duration', 'profile_points'])
      .expression(
        db
          .selectFrom(camValues(item, 'cams', count))
          .select([sql<number>`${param('projectId')}::int`.as('project_id'), 'input.name', 'input.camType', 'input.lift', 'input.duration', 'input.profilePoints'])
          .where((eb) =>
            eb.exists(eb.selectFrom('projects').select(sql.lit(1).as('owned')).where('projects.id', '=', param('projectId')).where('projects.user_id', '=', param('userId'))),
          ),
      )
      .returning((eb) => selection(camSummaryShape(eb))),
  { createsRows: true, maxShapes: 8 },
);

/**
 * Many cams into a project that the transaction created itself (`created-projects.ts`), compiled once per number of
 * cams: a plain multi-row INSERT, without the ownership check, so the rows take their ids in the order given.
 */
const insertManyIntoCreatedProject = statementsByShape<number, { projectId: number; cams: CamRowValues[] }, CamSummaryDto>(
  String,
  ({ db, param, item }, count) =>
    db
      .insertInto('cams')
      .columns(['project_id', 'name', 'cam_type', 'lift', 'duration', 'profile_points'])
      .expression(sql`values ${sql.join(camRows(item, 'cams', count, param('projectId')))}`)
      .returning((eb) => selection(camSummaryShape(eb))),
  { createsRows: true, maxShapes: 8 },
);

/** The table and the serial column whose sequence hands out cam ids, checked against the entity-derived tables. */
const CAMS = 'cams' satisfies keyof Tables;
const CAM_ID = 'id' satisfies keyof Tables['cams'];

/**
 * `count` new ids of cams, in ascending order, when the user owns the project; none otherwise. COPY returns nothing:
 * rows copied with ids taken first can be read back, in the order they were given.
 */
const reserveIdsInOwnedProject = new Statement<{ userId: string; projectId: number; count: number }, { id: number }>(({ db, schema, param }) =>
  db
    .selectFrom(sql`generate_series(1, ${param('count')}::int)`.as('slot'))
    .select(sql<number>`nextval(pg_get_serial_sequence(${sql.lit(`"${schema}"."${CAMS}"`)}, ${sql.lit(CAM_ID)}))::int`.as('id'))
    .where((eb) =>
      eb.exists(eb.selectFrom('projects').select(sql.lit(1).as('owned')).where('projects.id', '=', param('projectId')).where('projects.user_id', '=', param('userId'))),
    ),
);
/** The columns a COPY of cams fills, in the order of `copyRow()` fields; the others take their defaults. */
const COPY_COLUMNS = ['id', 'project_id', 'name', 'cam_type', 'lift', 'duration', 'profile_points'] as const satisfies ReadonlyArray<keyof Tables['cams']>;
const copyCams = new CopyIn('cams', COPY_COLUMNS);
/** Rows per chunk of COPY data: the server parses one while the next is encoded. */
const COPY_CHUNK_ROWS = 100;

const findSummaries = new Statement<{ ids: number[] }, CamSummaryDto>(({ db, param }) =>
  db
    .selectFrom('cams')
    .select((eb) => selection(camSummaryShape(eb)))
    .where((eb) => eb('cams.id', '=', eb.fn.any(sql<number[]>`${param('ids')}::int[]`)))
    .orderBy('cams.id'),
);

const findOwned = new Statement<{ userId: string; camId: number }, CamRow>(({ db, param }) =>
  db
    .selectFrom('cams')
    .select((eb) => selection(camShape(eb)))
    .where('cams.id', '=', param('camId'))
    .where((eb) => ownedBy(eb, param('userId'))),
);

type ListShape = { [Filter in keyof CamListFilters]-?: boolean };
type ListParams = { userId: string; projectId: number; afterId: number; limit: number } & CamListFilters;
const listInOwnedProject = statementsByShape<ListShape, ListParams, CamSummaryDto & { id: number | null }>(
  (shape) => Object.values(shape).map(Number).join(''),
  ({ db, param }, shape) =>
    db
      .selectFrom('projects')
      .leftJoinLateral(
        (eb) => {
          let page = eb
            .selectFrom('cams')
            .select((cams) => selection(camSummaryShape(cams)))
            .whereRef('cams.project_id', '=', 'projects.id')
            .where('cams.id', '>', param('afterId'));
          if (shape.camType) page = page.where('cams.cam_type', '=', param('camType'));
          if (shape.liftMin) page = page.where('cams.lift', '>=', param('liftMin'));
          if (shape.liftMax) page = page.where('cams.lift', '<=', param('liftMax'));
          if (shape.durationMin) page = page.where('cams.duration', '>=', param('durationMin'));
          if (shape.durationMax) page = page.where('cams.duration', '<=', param('durationMax'));
          return page.orderBy('cams.id').limit(param('limit')).as('page');
        },
        (join) => join.onTrue(),
      )
      .selectAll('page')
      .where('projects.id', '=', param('projectId'))
      .where('projects.user_id', '=', param('userId')),
);

type UpdateShape = { [Change in keyof CamChanges]-?: boolean } & {
  expectedVersion: boolean;
  /** A new profile without a new lift: the stored lift must match it. */
  profileAgainstStoredLift: boolean;
  /** A new lift without a new profile: the stored profile, if any, must match it. */
  liftAgainstStoredProfile: boolean;
};
type UpdateParams = Omit<CamChanges, 'profilePoints'> & {
  userId: string;
  camId: number;
  profilePoints?: string | null;
  expectedVersion?: number;
  profileLift?: number;
};
/**
 * Applies the changes in one statement, only if the cam is the user's, is at the expected version (when given), and
 * its lift and profile still agree where the changes touch only one of them. The statement names only what changes
 * and what must be checked, so the common edit is as small as a hand-written one.
 */
const updateOwned = statementsByShape<UpdateShape, UpdateParams, CamSummaryDto & Partial<CamRow>>(
  (shape) => Object.values(shape).map(Number).join(''),
  ({ db, param }, shape) =>
    db
      .updateTable('cams')
      .set((eb) => ({
        version: eb('cams.version', '+', 1),
        updated_at: sql<Date>`now()`,
        ...(shape.name && { name: param('name') }),
        ...(shape.camType && { cam_type: param('camType') }),
        ...(shape.lift && { lift: param('lift') }),
        ...(shape.duration && { duration: param('duration') }),
        ...(shape.profilePoints && { profile_points: sql<ProfilePoint[] | null>`${param('profilePoints')}::jsonb` }),
      }))
      .where('cams.id', '=', param('camId'))
      .where((eb) => ownedBy(eb, param('userId')))
      .$if(shape.expectedVersion, (query) => query.where('cams.version', '=', param('expectedVersion')))
      .$if(shape.profileAgainstStoredLift, (query) =>
        query.where((eb) => sql<boolean>`abs(${float8(eb.ref('cams.lift'))} - ${param('profileLift')}) <= ${LIFT_TOLERANCE}`),
      )
      .$if(shape.liftAgainstStoredProfile, (query) =>
        query.where((eb) =>
          eb.or([eb('cams.profile_points', 'is', null), sql<boolean>`abs(${storedProfileLift(eb)} - ${param('lift')}) <= ${LIFT_TOLERANCE}`]),
        ),
      )
      // A profile the changes set is not read back: the caller has it.
      .returning((eb) => selection(shape.profilePoints ? camSummaryShape(eb) : camShape(eb))),
);

export type UpdateState = { version: number; lift: number; profileLift: number | null };
const findUpdateState = new Statement<{ userId: string; camId: number }, UpdateState>(({ db, param }) =>
  db
    .selectFrom('cams')
    .select((eb) => ['cams.version', float8(eb.ref('cams.lift')).as('lift'), storedProfileLift(eb).as('profileLift')])
    .where('cams.id', '=', param('camId'))
    .where((eb) => ownedBy(eb, param('userId'))),
);

const deleteOwned = new Statement<{ userId: string; camId: number }, { id: number }>(({ db, param }) =>
  db
    .deleteFrom('cams')
    .where('cams.id', '=', param('camId'))
    .where((eb) => ownedBy(eb, param('userId')))
    .returning('cams.id'),
);

/** Every statement on `cams`. Each method is one statement and returns DTO rows, never entities. */
export class CamRepository extends Repository<Cam> {
  /** Inserts into a project of the user; `undefined` when the user has no such project. */
  async insertIntoOwnedProject(userId: string, projectId: number, cam: CamValues): Promise<CamRow | undefined> {
    const [row] = await this.run(insertIntoOwnedProject, { userId, projectId, ...cam, profilePoints: jsonOrNull(cam.profilePoints) });
    // The stored profile is the caller's: sending it back would only cost a round of JSON both ways.
    return row && { ...row, profilePoints: cam.profilePoints ?? null };
  }

  /** Inserts many cams in one statement, in input order; none when the user has no such project. */
  async insertManyIntoOwnedProject(userId: string, projectId: number, cams: readonly CamValues[]): Promise<CamSummaryDto[]> {
    const rows = await this.run(insertManyIntoOwnedProject(cams.length), { userId, projectId, cams: cams.map(camRow) });
    // SQL promises no order of RETURNING rows; ids do follow the input.
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Inserts many cams in one statement, in input order, into a project this transaction created (no ownership check). */
  async insertManyIntoCreatedProject(projectId: number, cams: readonly CamValues[]): Promise<CamSummaryDto[]> {
    const rows = await this.run(insertManyIntoCreatedProject(cams.length), { projectId, cams: cams.map(camRow) });
    return rows.sort((a, b) => a.id - b.id);
  }

  /**
   * Copies many cams into a project of the user in one COPY, in input order, and reads their summaries back; none when
   * the user has no such project. Three statements: run it inside a transaction, and only where `canCopy()`.
   */
  async copyIntoOwnedProject(userId: string, projectId: number, cams: readonly CamValues[]): Promise<CamSummaryDto[]> {
    const ids = (await this.run(reserveIdsInOwnedProject, { userId, projectId, count: cams.length })).map((row) => row.id).sort((a, b) => a - b);
    if (ids.length === 0) return [];
    await this.copyIn(copyCams, copyChunks(ids, projectId, cams));
    return this.run(findSummaries, { ids });
  }

  async findOwned(userId: string, camId: number): Promise<CamRow | undefined> {
    const [row] = await this.run(findOwned, { userId, camId });
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
    const shape = {
      camType: filters.camType !== undefined,
      liftMin: filters.liftMin !== undefined,
      liftMax: filters.liftMax !== undefined,
      durationMin: filters.durationMin !== undefined,
      durationMax: filters.durationMax !== undefined,
    };
    const rows = await this.run(listInOwnedProject(shape), { userId, projectId, afterId, limit, ...filters });
    return rows.length === 0 ? undefined : rows.filter((row) => row.id !== null);
  }

  /** The changed cam, or `undefined` when nothing was written: `findUpdateState` then tells why. */
  async updateOwned(userId: string, camId: number, changes: CamChanges, expectedVersion: number | undefined): Promise<CamRow | undefined> {
    const shape: UpdateShape = {
      name: changes.name !== undefined,
      camType: changes.camType !== undefined,
      lift: changes.lift !== undefined,
      duration: changes.duration !== undefined,
      profilePoints: changes.profilePoints !== undefined,
      expectedVersion: expectedVersion !== undefined,
      profileAgainstStoredLift: Boolean(changes.profilePoints) && changes.lift === undefined,
      liftAgainstStoredProfile: changes.lift !== undefined && changes.profilePoints === undefined,
    };
    const [row] = await this.run(updateOwned(shape), {
      ...changes,
      userId,
      camId,
      expectedVersion,
      profilePoints: jsonOrNull(changes.profilePoints),
      profileLift: changes.profilePoints ? maxLiftOf(changes.profilePoints) : undefined,
    });
    return row && (shape.profilePoints ? { ...row, profilePoints: changes.profilePoints ?? null } : (row as CamRow));
  }

  /** What an update is checked against: the stored version, lift and profile lift, or `undefined` if not the user's. */
  async findUpdateState(userId: string, camId: number): Promise<UpdateState | undefined> {
    const [row] = await this.run(findUpdateState, { userId, camId });
    return row;
  }

  async deleteOwned(userId: string, camId: number): Promise<boolean> {
    const deleted = await this.run(deleteOwned, { userId, camId });
    return deleted.length > 0;
  }
}

/** A validated cam as bound to a statement: its profile as JSON text, which PostgreSQL parses into jsonb. */
export type CamRowValues = Omit<CamValues, 'profilePoints'> & { profilePoints: string | null };

export function camRow(cam: CamValues): CamRowValues {
  return { ...cam, profilePoints: jsonOrNull(cam.profilePoints) };
}

type Input = { name: string; camType: CamValues['camType']; lift: number; duration: number; profilePoints: ProfilePoint[] | null };
const INPUT_COLUMNS = ['name', 'camType', 'lift', 'duration', 'profilePoints'] as const satisfies ReadonlyArray<keyof Input>;

/** How a statement binds the fields of the cams in the list `list` of its parameters: `StatementBuilder#item`. */
type CamItem<List extends string> = (list: List, index: number, field: keyof CamRowValues & string) => RawBuilder<unknown>;

/**
 * `count` cams of the parameter list `list` as a table `input` of multi-row VALUES (five parameters per cam: ten
 * thousand cams stay under the 65,535-parameter limit). Each profile is its own jsonb parameter, which PostgreSQL
 * parses faster than one array of all of them.
 */
export function camValues<List extends string>(item: CamItem<List>, list: List, count: number) {
  // No cams: one row of nulls that no row passes, since `values` cannot be empty.
  const rows = count > 0 ? camRows(item, list, count) : [sql`(null::text, null::text, null::numeric, null::int, null::jsonb)`];
  const table = sql<Input>`(values ${sql.join(rows)}${count > 0 ? sql`` : sql` limit 0`})`;
  return table.as<'input'>(sql`input(${sql.join(INPUT_COLUMNS.map((column) => sql.ref(column)))})`);
}

/** A VALUES row `(name, camType, lift, duration, profilePoints)` per cam of the list `list`, led by `first` when given. */
function camRows<List extends string>(item: CamItem<List>, list: List, count: number, first?: Expression<number>) {
  const lead = first ? sql`${first}::int, ` : sql``;
  return Array.from(
    { length: count },
    (_, index) =>
      sql`(${lead}${item(list, index, 'name')}::text, ${item(list, index, 'camType')}::text, ${item(list, index, 'lift')}::numeric, ${item(list, index, 'duration')}::int, ${item(list, index, 'profilePoints')}::jsonb)`,
  );
}

/** The cams as rows of COPY's text format, a chunk of `COPY_CHUNK_ROWS` at a time, made as the stream asks for them. */
function* copyChunks(ids: readonly number[], projectId: number, cams: readonly CamValues[]): Generator<string> {
  for (let start = 0; start < cams.length; start += COPY_CHUNK_ROWS) {
    let chunk = '';
    for (let index = start; index < Math.min(start + COPY_CHUNK_ROWS, cams.length); index++) {
      const { name, camType, lift, duration, profilePoints } = cams[index]!;
      chunk += copyRow([ids[index]!, projectId, name, camType, lift, duration, jsonOrNull(profilePoints)]);
    }
    yield chunk;
  }
}

export function jsonOrNull(points: ProfilePoint[] | null | undefined): string | null {
  return points ? JSON.stringify(points) : null;
}
