import { EntityRepository } from '@mikro-orm/postgresql';
import { CAM_WRITE_COLUMNS, camSummaryFields, camValuesList } from '../cam/cam.fields.ts';
import type { CursorPosition } from '../common/pagination.ts';
import { jsonObject, runSql, selectList } from '../common/sql.ts';
import type { Project } from './project.entity.ts';
import { PROJECT_CAMS, projectFields } from './project.fields.ts';
import type { ProjectDocument, ProjectDto, ProjectWithCamsDto, PROJECT_ORDERINGS } from './project.schemas.ts';

const PROJECT = selectList(projectFields);
const SORT_COLUMNS: Record<(typeof PROJECT_ORDERINGS)[number], string> = {
  createdAt: 'p.created_at',
  updatedAt: 'p.updated_at',
  name: 'p.name',
};
/** The cams of the CTE `written` (aliased `c`) as summaries: what a statement that copies or imports cams returns. */
const WRITTEN_CAMS = `coalesce((select json_agg(${jsonObject(camSummaryFields)} order by c.id) from written c), '[]')`;

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

/** Every statement on `projects`. Each method is one statement (copies and imports too) and returns DTO rows. */
export class ProjectRepository extends EntityRepository<Project> {
  /** `undefined` never: a missing user surfaces as a foreign-key violation, mapped to NotFoundError('User'). */
  async insertProject(userId: string, name: string, description: string | null): Promise<ProjectDto> {
    const [project] = await runSql<ProjectDto>(
      this.em,
      `insert into projects as p (user_id, name, description) values ($1, $2, $3) returning ${PROJECT}`,
      [userId, name, description],
    );
    return project!;
  }

  async findOwned(userId: string, projectId: number, withCams: boolean): Promise<ProjectDto | ProjectWithCamsDto | undefined> {
    const [project] = await runSql<ProjectDto>(
      this.em,
      `select ${PROJECT}${withCams ? `, ${PROJECT_CAMS} as "cams"` : ''} from projects p where p.id = $2 and p.user_id = $1`,
      [userId, projectId],
    );
    return project;
  }

  /**
   * One page by keyset: rows after the cursor in (sort key, id) order, so inserts elsewhere never shift a page. The
   * page is cut in a subquery before its DTOs are built: PostgreSQL computes a select list below the sort, and would
   * otherwise format every project of the user to keep fifty.
   */
  async listOwned(userId: string, query: ProjectListQuery): Promise<ProjectDto[] | ProjectWithCamsDto[]> {
    const parameters: unknown[] = [userId, query.limit];
    const conditions = ['p.user_id = $1'];
    const column = SORT_COLUMNS[query.orderBy];
    if (query.search !== undefined) {
      conditions.push(`p.name ilike $${parameters.push(`%${escapeLike(query.search)}%`)}`);
    }
    if (query.after) {
      const comparison = query.direction === 'asc' ? '>' : '<';
      conditions.push(`(${column}, p.id) ${comparison} ($${parameters.push(query.after.key)}, $${parameters.push(query.after.id)})`);
    }
    const order = `order by ${column} ${query.direction}, p.id ${query.direction}`;
    return runSql<ProjectDto>(
      this.em,
      `select ${PROJECT}${query.withCams ? `, ${PROJECT_CAMS} as "cams"` : ''}
       from (select * from projects p where ${conditions.join(' and ')} ${order} limit $2) p ${order}`,
      parameters,
    );
  }

  /** `description: undefined` keeps it, `null` clears it. */
  async updateOwned(userId: string, projectId: number, name: string | undefined, description: string | null | undefined): Promise<ProjectDto | undefined> {
    const [project] = await runSql<ProjectDto>(
      this.em,
      `update projects as p set name = coalesce($3, p.name), description = case when $4::boolean then $5 else p.description end
       where p.id = $2 and p.user_id = $1 returning ${PROJECT}`,
      [userId, projectId, name ?? null, description !== undefined, description ?? null],
    );
    return project;
  }

  /** Its cams go with it (ON DELETE CASCADE). */
  async deleteOwned(userId: string, projectId: number): Promise<boolean> {
    const deleted = await runSql(this.em, `delete from projects p where p.id = $2 and p.user_id = $1 returning p.id`, [userId, projectId]);
    return deleted.length > 0;
  }

  /** Copies the project and all its cams in one statement (data-modifying CTEs): atomic without a transaction. */
  async duplicateOwned(userId: string, projectId: number, name: string | undefined): Promise<ProjectWithCamsDto | undefined> {
    const [copy] = await runSql<ProjectWithCamsDto>(
      this.em,
      `with source as (select * from projects p where p.id = $2 and p.user_id = $1),
       copy as (
         insert into projects as p (user_id, name, description)
         select user_id, coalesce($3, left(name || ' (copy)', 255)), description from source
         returning p.*
       ),
       written as (
         insert into cams as c (project_id, ${CAM_WRITE_COLUMNS})
         select copy.id, c.name, c.cam_type, c.lift, c.duration, c.profile_points
         from copy, source, cams c where c.project_id = source.id order by c.id
         returning c.*
       )
       select ${PROJECT}, ${WRITTEN_CAMS} as "cams" from copy p`,
      [userId, projectId, name ?? null],
    );
    return copy;
  }

  /**
   * The project and its cams with their profiles, as the export document holds them. Read as one row per cam: for a
   * thousand profiles, one `json_agg` document of megabytes costs the server more than the rows cost the client.
   */
  async findForExport(userId: string, projectId: number): Promise<ExportedProject | undefined> {
    type ExportRow = { projectName: string; projectDescription: string | null } & { [Key in keyof ExportedCam]: ExportedCam[Key] | null };
    const rows = await runSql<ExportRow>(
      this.em,
      `select p.name as "projectName", p.description as "projectDescription", c.name, c.cam_type as "camType",
              c.lift::float8 as lift, c.duration, c.profile_points as "profilePoints"
       from projects p left join cams c on c.project_id = p.id
       where p.id = $2 and p.user_id = $1 order by c.id`,
      [userId, projectId],
    );
    const [first] = rows;
    if (!first) return undefined;
    // A project without cams is one row of nulls on the cam side.
    const cams = first.name === null ? [] : rows.map(({ name, camType, lift, duration, profilePoints }) => ({ name, camType, lift, duration, profilePoints }) as ExportedCam);
    return { name: first.projectName, description: first.projectDescription, cams };
  }

  /** Creates a project with all its cams in one statement: atomic without a transaction. */
  async insertWithCams(userId: string, project: ExportedProject): Promise<ProjectWithCamsDto> {
    const parameters: unknown[] = [userId, project.name, project.description];
    const cams = project.cams.length ? camValuesList(project.cams, parameters) : undefined;
    const [created] = await runSql<ProjectWithCamsDto>(
      this.em,
      `with project as (
         insert into projects as p (user_id, name, description) values ($1, $2, $3) returning p.*
       ),
       written as (${
         cams
           ? `insert into cams as c (project_id, ${CAM_WRITE_COLUMNS})
              select project.id, input.name, input.cam_type, input.lift, input.duration, input.profile_points
              from project, ${cams} order by input.ordinality
              returning c.*`
           : 'select * from cams where false'
       })
       select ${PROJECT}, ${WRITTEN_CAMS} as "cams" from project p`,
      parameters,
    );
    return created!;
  }
}

/** `%`, `_` and `\` match themselves in the search text. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
