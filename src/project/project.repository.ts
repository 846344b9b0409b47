import { newCamParams } from '../cam/new-cams.ts';
import { Repository } from '../sql/repository.ts';
import type { Project } from './project.entity.ts';
import type { ProjectDto, ProjectWithCamsDto } from './project.schemas.ts';
import { PROJECT_STATEMENTS as statements, type ExportedCam, type ExportedProject, type ProjectListQuery } from './project.statements.ts';

/** The statements on `projects`. Each method is one statement (copies and imports too) and returns DTO rows. */
export class ProjectRepository extends Repository<Project> {
  /** `undefined` never: a missing user surfaces as a foreign-key violation, mapped to NotFoundError('User'). */
  async insertProject(userId: string, name: string, description: string | null): Promise<ProjectDto> {
    const [project] = await this.run(statements.insertProject, { userId, name, description });
    return project!;
  }

  async findOwned(userId: string, projectId: number, withCams: boolean): Promise<ProjectDto | ProjectWithCamsDto | undefined> {
    const [project] = await this.run(statements.findOwned.of(withCams), { userId, projectId });
    return project;
  }

  async listOwned(userId: string, query: ProjectListQuery): Promise<ProjectDto[] | ProjectWithCamsDto[]> {
    const { orderBy, direction, withCams, search, after, limit } = query;
    return this.run(statements.listOwned.of({ orderBy, direction, withCams, after: after !== undefined }), {
      userId,
      limit,
      search: search === undefined ? null : `%${escapeLike(search)}%`,
      afterKey: after?.key ?? null,
      afterId: after?.id ?? null,
    });
  }

  /** `description: undefined` keeps it, `null` clears it. */
  async updateOwned(userId: string, projectId: number, name: string | undefined, description: string | null | undefined): Promise<ProjectDto | undefined> {
    const [project] = await this.run(statements.updateOwned, { userId, projectId, name: name ?? null, setDescription: description !== undefined, description: description ?? null });
    return project;
  }

  async deleteOwned(userId: string, projectId: number): Promise<boolean> {
    const deleted = await this.run(statements.deleteOwned, { userId, projectId });
    return deleted.length > 0;
  }

  async duplicateOwned(userId: string, projectId: number, name: string | undefined): Promise<ProjectWithCamsDto | undefined> {
    const [copy] = await this.run(statements.duplicateOwned, { userId, projectId, name: name ?? null });
    return copy;
  }

  async findForExport(userId: string, projectId: number): Promise<ExportedProject | undefined> {
    const rows = await this.run(statements.findForExport, { userId, projectId });
    const [first] = rows;
    if (!first) return undefined;
    // A project without cams is one row of nulls on the cam side.
    const cams = first.name === null ? [] : rows.map(({ name, camType, lift, duration, profilePoints }) => ({ name, camType, lift, duration, profilePoints }) as ExportedCam);
    return { name: first.projectName, description: first.projectDescription, cams };
  }

  /** Creates a project with all its cams in one statement: atomic without a transaction. */
  async insertWithCams(userId: string, project: ExportedProject): Promise<ProjectWithCamsDto> {
    const { name, description, cams } = project;
    const [created] = await this.run(statements.insertWithCams.of(cams.length), { userId, name, description, cams: cams.map(newCamParams) });
    return created!;
  }
}

/** `%`, `_` and `\` match themselves in the search text. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
