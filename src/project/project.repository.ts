import { expressionBuilder, sql, type ExpressionBuilder } from 'kysely';
import { camRow, camsOfProject, camSummaryShape, camValues, type CamRowValues } from '../cam/cam.repository.ts';
import type { CamSummaryDto } from '../cam/cam.schemas.ts';
import type { CursorPosition } from '../common/pagination.ts';
import { float8, isoTimestamp, jsonArrayOr, selection } from '../common/sql-expressions.ts';
import { Repository } from '../common/repository.ts';
import { Statement, statementsByShape } from '../common/statement.ts';
import type { Tables } from '../common/tables.ts';
import type { Project } from './project.entity.ts';
import type { ProjectDocument, ProjectDto, ProjectWithCamsDto, PROJECT_ORDERINGS } from './project.schemas.ts';

/**
 * A `ProjectDto` over `projects`. Columns are unqualified: every statement evaluates it where `projects` (the table,
 * or a page of its rows under that name) is the innermost table in scope.
 */
export function projectShape(eb: ExpressionBuilder<Tables, 'projects'>) {
  return {
    id: eb.ref('id'),
    userId: eb.ref('user_id'),
    name: eb.ref('name'),
    description: eb.ref('description'),
    createdAt: isoTimestamp(eb.ref('created_at')),
    updatedAt: isoTimestamp(eb.ref('updated_at')),
  };
}

/** A project with the summaries of its cams, over the table `projects`. */
export function projectWithCamsShape(eb: ExpressionBuilder<Tables, 'projects'>) {
  return { ...projectShape(eb), cams: camsOfProject(eb.ref('projects.id')) };
}

export interface ProjectListQuery {
  orderBy: (typeof PROJECT_ORDERINGS)[number];
  direction: 'asc' | 'desc';
  search?: string;
  after?: CursorPosition;
  limit: number;
  withCams: boolean;
}

/** A project with its cams and their profiles, as the export document holds it. */
export type ExportedProject = ProjectDocument['project'];
type ExportedCam = ExportedProject['cams'][number];

const SORT_COLUMNS = { createdAt: 'created_at', updatedAt: 'updated_at', name: 'name' } as const satisfies Record<
  ProjectListQuery['orderBy'],
  keyof Tables['projects']
>;

const insertProject = new Statement<{ userId: string; name: string; description: string | null }, ProjectDto>(({ db, param }) =>
  db
    .insertInto('projects')
    .values({ user_id: param('userId'), name: param('name'), description: param('description') })
    .returning((eb) => selection(projectShape(eb))),
  { createsRows: true },
);

const findOwned = statementsByShape<boolean, { userId: string; projectId: number }, ProjectDto | ProjectWithCamsDto>(String, ({ db, param }, withCams) =>
  db
    .selectFrom('projects')
    .select((eb) => selection(withCams ? projectWithCamsShape(eb) : projectShape(eb)))
    .where('projects.id', '=', param('projectId'))
    .where('projects.user_id', '=', param('userId')),
);

type ListShape = Pick<ProjectListQuery, 'orderBy' | 'direction' | 'withCams'> & { search: boolean; after: boolean };
/**
 * One page by keyset: rows after the cursor in (sort key, id) order, so inserts elsewhere never shift a page. The
 * page is cut in a subquery before its DTOs are built: PostgreSQL computes a select list below the sort, and would
 * otherwise format every project of the user to keep fifty. The page keeps the name `projects`, so the DTO reads its
 * columns as it reads the table's; the cams of each row are found by `pageId`, a name no table has.
 */
const listOwned = statementsByShape<ListShape, { userId: string; limit: number; search?: string; afterKey?: string | number; afterId?: number }, ProjectDto | ProjectWithCamsDto>(
  (shape) => Object.values(shape).join(':'),
  ({ db, param }, shape) => {
    const column = SORT_COLUMNS[shape.orderBy];
    const page = db
      .selectFrom('projects')
      .selectAll('projects')
      .select('projects.id as pageId')
      .where('projects.user_id', '=', param('userId'))
      .$if(shape.search, (query) => query.where('projects.name', 'ilike', param('search')))
      .$if(shape.after, (query) =>
        query.where((eb) =>
          sql<boolean>`(${eb.ref(`projects.${column}`)}, ${eb.ref('projects.id')}) ${sql.raw(shape.direction === 'asc' ? '>' : '<')} (${param('afterKey')}, ${param('afterId')})`,
        ),
      )
      .orderBy(`projects.${column}`, shape.direction)
      .orderBy('projects.id', shape.direction)
      .limit(param('limit'));
    return db
      .selectFrom(page.as('projects'))
      .select((eb) => {
        // The page has the table's columns under the table's name: the DTO is built as over the table.
        const project = projectShape(expressionBuilder<Tables, 'projects'>());
        return selection(shape.withCams ? { ...project, cams: camsOfProject(eb.ref('pageId')) } : project);
      })
      .orderBy(column, shape.direction)
      .orderBy('id', shape.direction);
  },
);

type Patch = { userId: string; projectId: number; name?: string; description?: string | null };
/** `description: undefined` keeps it, `null` clears it: the patch's shape says which columns it sets. */
const updateOwned = statementsByShape<{ name: boolean; description: boolean }, Patch, ProjectDto>(
  (shape) => `${shape.name}:${shape.description}`,
  ({ db, param }, shape) =>
    db
      .updateTable('projects')
      .set({
        ...(shape.name && { name: param('name') }),
        ...(shape.description && { description: param('description') }),
        updated_at: sql<Date>`now()`,
      })
      .where('projects.id', '=', param('projectId'))
      .where('projects.user_id', '=', param('userId'))
      .returning((eb) => selection(projectShape(eb))),
);

const deleteOwned = new Statement<{ userId: string; projectId: number }, { id: number }>(({ db, param }) =>
  db
    .deleteFrom('projects')
    .where('projects.id', '=', param('projectId'))
    .where('projects.user_id', '=', param('userId'))
    .returning('projects.id'),
);

/** The summaries of the cams a statement wrote (the CTE `written`), oldest first. */
function writtenCams() {
  return jsonArrayOr<CamSummaryDto>(
    expressionBuilder<{ written: CamSummaryDto }>()
      .selectFrom('written').select((written) => sql<CamSummaryDto[]>`json_agg(written order by ${written.ref('written.id')})`.as('cams')),
  );
}

/** Copies the project and all its cams in one statement (data-modifying CTEs): atomic without a transaction. */
const duplicateOwned = new Statement<{ userId: string; projectId: number; name: string | null }, ProjectWithCamsDto>(({ db, param }) =>
  db
    .with('source', (db) =>
      db.selectFrom('projects').selectAll().where('projects.id', '=', param('projectId')).where('projects.user_id', '=', param('userId')),
    )
    .with('copy', (db) =>
      db
        .insertInto('projects')
        .columns(['user_id', 'name', 'description'])
        .expression(
          db
            .selectFrom('source')
            .select((eb) => [
              'source.user_id',
              sql<string>`coalesce(${param('name')}, left(${eb.ref('source.name')} || ' (copy)', 255))`.as('name'),
              'source.description',
            ]),
        )
        .returning((eb) => selection(projectShape(eb))),
    )
    .with('written', (db) =>
      db
        .insertInto('cams')
        .columns(['project_id', 'name', 'cam_type', 'lift', 'duration', 'profile_points'])
        .expression(
          db
            .selectFrom(['copy', 'source', 'cams'])
            .select(['copy.id', 'cams.name', 'cams.cam_type', 'cams.lift', 'cams.duration', 'cams.profile_points'])
            .whereRef('cams.project_id', '=', 'source.id')
            .orderBy('cams.id'),
        )
        .returning((eb) => selection(camSummaryShape(eb))),
    )
    .selectFrom('copy')
    .selectAll('copy')
    .select(writtenCams().as('cams')),
  { createsRows: true },
);

/**
 * A project and its cams in one statement, compiled once per number of cams. The cams are a cross join of the one
 * new project with the VALUES, which PostgreSQL can only run as a nested loop: the rows reach the INSERT in the
 * order given, and take their serial ids in that order, without a sort.
 */
const insertWithCams = statementsByShape<number, { userId: string; name: string; description: string | null; cams: CamRowValues[] }, ProjectWithCamsDto>(
  String,
  ({ db, param, item }, count) =>
    db
      .with('project', (db) =>
        db
          .insertInto('projects')
          .values({ user_id: param('userId'), name: param('name'), description: param('description') })
          .returning((eb) => selection(projectShape(eb))),
      )
      .with('written', (db) =>
        db
          .insertInto('cams')
          .columns(['project_id', 'name', 'cam_type', 'lift', 'duration', 'profile_points'])
          .expression(
            db
              .selectFrom(['project', camValues(item, 'cams', count)])
              .select(['project.id', 'input.name', 'input.camType', 'input.lift', 'input.duration', 'input.profilePoints']),
          )
          .returning((eb) => selection(camSummaryShape(eb))),
      )
      .selectFrom('project')
      .selectAll('project')
      .select(writtenCams().as('cams')),
  { createsRows: true, maxShapes: 8 },
);

type ExportRow = { projectName: string; projectDescription: string | null } & { [Key in keyof ExportedCam]: ExportedCam[Key] | null };
/**
 * The project and its cams with their profiles, as the export document holds them. Read as one row per cam: for a
 * thousand profiles, one `json_agg` document of megabytes costs the server more than the rows cost the client.
 */
const findForExport = new Statement<{ userId: string; projectId: number }, ExportRow>(({ db, param }) =>
  db
    .selectFrom('projects')
    .leftJoin('cams', 'cams.project_id', 'projects.id')
    .select((eb) => [
      'projects.name as projectName',
      'projects.description as projectDescription',
      'cams.name',
      'cams.cam_type as camType',
      float8(eb.ref('cams.lift')).as('lift'),
      'cams.duration',
      'cams.profile_points as profilePoints',
    ])
    .where('projects.id', '=', param('projectId'))
    .where('projects.user_id', '=', param('userId'))
    .orderBy('cams.id'),
);

/** Every statement on `projects`. Each method is one statement (copies and imports too) and returns DTO rows. */
export class ProjectRepository extends Repository<Project> {
  /** `undefined` never: a missing user surfaces as a foreign-key violation, mapped to NotFoundError('User'). */
  async insertProject(userId: string, name: string, description: string | null): Promise<ProjectDto> {
    const [project] = await this.run(insertProject, { userId, name, description });
    return project!;
  }

  async findOwned(userId: string, projectId: number, withCams: boolean): Promise<ProjectDto | ProjectWithCamsDto | undefined> {
    const [project] = await this.run(findOwned(withCams), { userId, projectId });
    return project;
  }

  async listOwned(userId: string, query: ProjectListQuery): Promise<ProjectDto[] | ProjectWithCamsDto[]> {
    const { orderBy, direction, withCams, search, after, limit } = query;
    const shape = { orderBy, direction, withCams, search: search !== undefined, after: after !== undefined };
    return this.run(listOwned(shape), {
      userId,
      limit,
      search: search === undefined ? undefined : `%${escapeLike(search)}%`,
      afterKey: after?.key,
      afterId: after?.id,
    });
  }

  async updateOwned(userId: string, projectId: number, name: string | undefined, description: string | null | undefined): Promise<ProjectDto | undefined> {
    const shape = { name: name !== undefined, description: description !== undefined };
    const [project] = await this.run(updateOwned(shape), { userId, projectId, name, description });
    return project;
  }

  /** Its cams go with it (ON DELETE CASCADE). */
  async deleteOwned(userId: string, projectId: number): Promise<boolean> {
    const deleted = await this.run(deleteOwned, { userId, projectId });
    return deleted.length > 0;
  }

  async duplicateOwned(userId: string, projectId: number, name: string | undefined): Promise<ProjectWithCamsDto | undefined> {
    const [copy] = await this.run(duplicateOwned, { userId, projectId, name: name ?? null });
    return copy;
  }

  async findForExport(userId: string, projectId: number): Promise<ExportedProject | undefined> {
    const rows = await this.run(findForExport, { userId, projectId });
    const [first] = rows;
    if (!first) return undefined;
    // A project without cams is one row of nulls on the cam side.
    const cams = first.name === null ? [] : rows.map(({ name, camType, lift, duration, profilePoints }) => ({ name, camType, lift, duration, profilePoints }) as ExportedCam);
    return { name: first.projectName, description: first.projectDescription, cams };
  }

  /** Creates a project with all its cams in one statement: atomic without a transaction. */
  async insertWithCams(userId: string, project: ExportedProject): Promise<ProjectWithCamsDto> {
    const { name, description, cams } = project;
    const [created] = await this.run(insertWithCams(cams.length), { userId, name, description, cams: cams.map(camRow) });
    return created!;
  }
}

/** `%`, `_` and `\` match themselves in the search text. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
