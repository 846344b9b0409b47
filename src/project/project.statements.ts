/**
 * The SQL statements on `projects` (and the cams they copy or import), each built once with Kysely against the
 * entity-derived tables (`sql/statement.ts`); `ProjectRepository` runs them. Their SQL, as sent, is committed beside
 * this file (`project.statements.sql`).
 */
import { expressionBuilder, sql } from 'kysely';
import { camSummaryColumns, camsOfProject } from '../cam/cam.projections.ts';
import type { CamSummaryDto } from '../cam/cam.schemas.ts';
import { NEW_CAM_COLUMNS, newCamsTable, type NewCamParams } from '../cam/new-cams.ts';
import type { CursorPosition } from '../common/pagination.ts';
import type { Tables } from '../entities.ts';
import { float8, isoTimestampInReturning, jsonArrayOr, selection } from '../sql/expressions.ts';
import { Statement, StatementVariants } from '../sql/statement.ts';
import { ownedProject, projectColumns, projectWithCamsColumns } from './project.projections.ts';
import { PROJECT_ORDERINGS, type ProjectDocument, type ProjectDto, type ProjectWithCamsDto } from './project.schemas.ts';

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
export type ExportedCam = ExportedProject['cams'][number];

const SORT_COLUMNS = { createdAt: 'created_at', updatedAt: 'updated_at', name: 'name' } as const satisfies Record<
  ProjectListQuery['orderBy'],
  keyof Tables['projects']
>;

type Owned = { userId: string };
type OwnedProject = Owned & { projectId: number };

const insertProject = new Statement<Owned & { name: string; description: string | null }, ProjectDto>(
  ({ db, schema, param }) =>
    db
      .insertInto('projects')
      .values({ user_id: param('userId'), name: param('name'), description: param('description') })
      .returning((eb) => selection(projectColumns(eb, isoTimestampInReturning(schema)))),
  { actingAs: { user: 'userId' }, createsRows: true },
);

/** Variants: with or without the summaries of the project's cams. */
const findOwned = new StatementVariants<boolean, OwnedProject, ProjectDto | ProjectWithCamsDto>(
  ({ db, param }, withCams) =>
    ownedProject(db, param('userId'), param('projectId')).select((eb) =>
      selection(withCams ? projectWithCamsColumns(eb, param('userId'), param('projectId')) : projectColumns(eb)),
    ),
  { actingAs: { user: 'userId' }, examples: [false, true] },
);

type ListVariant = Pick<ProjectListQuery, 'orderBy' | 'direction' | 'withCams'> & { after: boolean };
type ListParams = Owned & { limit: number; search: string | null; afterKey: string | number | null; afterId: number | null };
/**
 * One page by keyset: rows after the cursor in (sort key, id) order, so inserts elsewhere never shift a page. The
 * page is cut in a subquery before its DTOs are built: PostgreSQL computes a select list below the sort, and would
 * otherwise format every project of the user to keep fifty. The page keeps the name `projects`, so the DTO reads its
 * columns as it reads the table's; the cams of each row are found by `pageId`, a name no table has. A search left out
 * is a null parameter, which the server's plan for the call's values drops. Variants: the ordering, with or without
 * cams, from the start or after a cursor.
 */
const listOwned = new StatementVariants<ListVariant, ListParams, ProjectDto | ProjectWithCamsDto>(
  ({ db, param }, variant) => {
    const column = SORT_COLUMNS[variant.orderBy];
    const page = db
      .selectFrom('projects')
      .selectAll('projects')
      .select('projects.id as pageId')
      .where('projects.user_id', '=', param('userId'))
      .where(sql<boolean>`(${param('search')}::text is null or projects.name ilike ${param('search')})`)
      .$if(variant.after, (query) =>
        query.where((eb) =>
          sql<boolean>`(${eb.ref(`projects.${column}`)}, ${eb.ref('projects.id')}) ${sql.raw(variant.direction === 'asc' ? '>' : '<')} (${param('afterKey')}, ${param('afterId')})`,
        ),
      )
      .orderBy(`projects.${column}`, variant.direction)
      .orderBy('projects.id', variant.direction)
      .limit(param('limit'));
    return db
      .selectFrom(page.as('projects'))
      .select((eb) => {
        // The page has the table's columns under the table's name: the DTO is built as over the table.
        const project = projectColumns(expressionBuilder<Tables, 'projects'>());
        return selection(variant.withCams ? { ...project, cams: camsOfProject(param('userId'), eb.ref('pageId')) } : project);
      })
      .orderBy(column, variant.direction)
      .orderBy('id', variant.direction);
  },
  {
    actingAs: { user: 'userId' },
    examples: PROJECT_ORDERINGS.flatMap((orderBy) =>
      (['asc', 'desc'] as const).flatMap((direction) => [false, true].flatMap((withCams) => [false, true].map((after) => ({ orderBy, direction, withCams, after })))),
    ),
  },
);

/** A field left out is a null parameter that keeps the stored value; `setDescription` tells a cleared description from a kept one. */
const updateOwned = new Statement<OwnedProject & { name: string | null; setDescription: boolean; description: string | null }, ProjectDto>(({ db, schema, param }) =>
  db
    .updateTable('projects')
    .set((eb) => ({
      name: sql`coalesce(${param('name')}, ${eb.ref('projects.name')})`,
      description: sql`case when ${param('setDescription')} then ${param('description')} else ${eb.ref('projects.description')} end`,
      updated_at: sql<Date>`now()`,
    }))
    .where('projects.id', '=', param('projectId'))
    .where('projects.user_id', '=', param('userId'))
    .returning((eb) => selection(projectColumns(eb, isoTimestampInReturning(schema)))),
  { actingAs: { user: 'userId' } },
);

/** Its cams go with it (ON DELETE CASCADE). */
const deleteOwned = new Statement<OwnedProject, { id: number }>(({ db, param }) =>
  db.deleteFrom('projects').where('projects.id', '=', param('projectId')).where('projects.user_id', '=', param('userId')).returning('projects.id'),
  { actingAs: { user: 'userId' } },
);

/** The summaries of the cams a statement wrote (the CTE `written`), oldest first. */
function writtenCams() {
  return jsonArrayOr<CamSummaryDto>(
    expressionBuilder<{ written: CamSummaryDto }>()
      .selectFrom('written')
      .select((written) => sql<CamSummaryDto[]>`json_agg(written order by ${written.ref('written.id')})`.as('cams')),
  );
}

/** Copies the project and all its cams in one statement (data-modifying CTEs): atomic without a transaction. */
const duplicateOwned = new Statement<OwnedProject & { name: string | null }, ProjectWithCamsDto>(
  ({ db, schema, param }) =>
    db
      .with('source', () => ownedProject(db, param('userId'), param('projectId')).selectAll('projects'))
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
          .returning((eb) => selection(projectColumns(eb, isoTimestampInReturning(schema)))),
      )
      .with('written', (db) =>
        db
          .insertInto('cams')
          .columns(NEW_CAM_COLUMNS)
          .expression(
            db
              .selectFrom(['copy', 'source', 'cams'])
              .select(['copy.userId', 'copy.id', 'cams.name', 'cams.cam_type', 'cams.lift', 'cams.duration', 'cams.profile_points'])
              .where('cams.user_id', '=', param('userId'))
              .whereRef('cams.project_id', '=', 'source.id')
              .orderBy('cams.id'),
          )
          .returning((eb) => selection(camSummaryColumns(eb, isoTimestampInReturning(schema)))),
      )
      .selectFrom('copy')
      .selectAll('copy')
      .select(writtenCams().as('cams')),
  { actingAs: { user: 'userId' }, createsRows: true },
);

/**
 * A project and its cams in one statement, compiled once per number of cams. The cams are a cross join of the one
 * new project with the VALUES, which PostgreSQL can only run as a nested loop: the rows reach the INSERT in the order
 * given, and take their serial ids in that order, without a sort.
 */
const insertWithCams = new StatementVariants<number, Owned & { name: string; description: string | null; cams: NewCamParams[] }, ProjectWithCamsDto>(
  ({ db, schema, param, item }, count) =>
    db
      .with('project', (db) =>
        db
          .insertInto('projects')
          .values({ user_id: param('userId'), name: param('name'), description: param('description') })
          .returning((eb) => selection(projectColumns(eb, isoTimestampInReturning(schema)))),
      )
      .with('written', (db) =>
        db
          .insertInto('cams')
          .columns(NEW_CAM_COLUMNS)
          .expression(
            db
              .selectFrom(['project', newCamsTable(item, 'cams', count)])
              .select(['project.userId', 'project.id', 'new_cam.name', 'new_cam.camType', 'new_cam.lift', 'new_cam.duration', 'new_cam.profilePoints']),
          )
          .returning((eb) => selection(camSummaryColumns(eb, isoTimestampInReturning(schema)))),
      )
      .selectFrom('project')
      .selectAll('project')
      .select(writtenCams().as('cams')),
  { actingAs: { user: 'userId' }, createsRows: true, examples: [0, 1, 2], maxVariants: 8 },
);

type ExportRow = { projectName: string; projectDescription: string | null } & { [Key in keyof ExportedCam]: ExportedCam[Key] | null };
/**
 * The project and its cams with their profiles, as the export document holds them. Read as one row per cam: for a
 * thousand profiles, one `json_agg` document of megabytes costs the server more than the rows cost the client.
 */
const findForExport = new Statement<OwnedProject, ExportRow>(({ db, param }) =>
  ownedProject(db, param('userId'), param('projectId'))
    .leftJoin('cams', (join) => join.on('cams.user_id', '=', param('userId')).onRef('cams.project_id', '=', 'projects.id'))
    .select((eb) => [
      'projects.name as projectName',
      'projects.description as projectDescription',
      'cams.name',
      'cams.cam_type as camType',
      float8(eb.ref('cams.lift')).as('lift'),
      'cams.duration',
      'cams.profile_points as profilePoints',
    ])
    .orderBy('cams.id'),
  { actingAs: { user: 'userId' } },
);

/** Every statement of `ProjectRepository`, by name: `npm run sql:generate` writes their SQL to `project.statements.sql`. */
export const PROJECT_STATEMENTS = { insertProject, findOwned, listOwned, updateOwned, deleteOwned, duplicateOwned, insertWithCams, findForExport };
