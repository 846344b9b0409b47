import type {
  CamDto,
  CamInput,
  CamSummaryDto,
  Page,
  ProfilePoint,
  ProjectDocument,
  ProjectDto,
  ProjectWithCamsDto,
  UserWithProjectsDto,
} from '../../src/index.ts';

/**
 * `raw-pg-again` is raw pg once more, on a pool of its own, in the scenarios of single calls: the same code measured
 * twice, so its ratio to raw pg is the run's own noise, the margin within which two results do not differ.
 * `ours-granted` is ours connected as a role granted the tables with `enforceOwnership` (not their owner, no
 * BYPASSRLS): every statement under the acting-user policies, the cost of the database enforcing ownership.
 * `ours-unprepared` is ours with `preparedStatements: false`, in the scenarios of single calls: every statement parsed
 * and planned at each call, as raw pg's are, so its distance from raw pg is the package's own time per call.
 */
export const LIBRARY_NAMES = ['ours', 'ours-granted', 'ours-unprepared', 'raw-pg', 'copy', 'mikro-orm', 'drizzle', 'prisma', 'raw-pg-again'] as const;
export type LibraryName = (typeof LIBRARY_NAMES)[number];

/** The bulk operations: what `COPY`, the physical limit of loading and unloading rows, does as well. */
export interface BulkOperations {
  /** Into a project of the user, all or none, returned in input order without profiles. */
  createCams(userId: string, projectId: number, cams: CamInput[]): Promise<CamSummaryDto[]>;
  exportProject(userId: string, projectId: number): Promise<ProjectDocument>;
  importProject(userId: string, document: ProjectDocument): Promise<ProjectWithCamsDto>;
}

/**
 * Every operation the scenarios time, as each library does it. All return the package's DTOs (the same keys, the same
 * value types), so what is measured is the whole way from a call to the data a caller can send on.
 */
export interface BenchLibrary extends BulkOperations {
  readonly name: Exclude<LibraryName, 'copy'>;
  getCam(userId: string, camId: number): Promise<CamDto>;
  /** With its cams, without their profile points. */
  getProject(userId: string, projectId: number): Promise<ProjectWithCamsDto>;
  /** The first page, newest first. */
  listProjects(userId: string, limit: number): Promise<Page<ProjectDto>>;
  /** The first page, oldest first. */
  listCams(userId: string, projectId: number, limit: number): Promise<Page<CamSummaryDto>>;
  getUserGraph(email: string): Promise<UserWithProjectsDto>;
  /** The N+1 trap: the newest `limit` projects of a user, each with its cams. */
  getProjectsWithCams(userId: string, limit: number): Promise<ProjectWithCamsDto[]>;
  /** In one transaction. */
  createProjectWithCams(userId: string, name: string, cams: CamInput[]): Promise<ProjectWithCamsDto>;
  /** Refused unless the cam is still at `expectedVersion`. */
  updateCamDuration(userId: string, camId: number, duration: number, expectedVersion: number): Promise<CamDto>;
  replaceProfile(userId: string, camId: number, profilePoints: ProfilePoint[], lift: number): Promise<CamDto>;
  close(): Promise<void>;
}

/** `COPY` into and out of the tables, with the same checks and results: a floor of the bulk scenarios alone. */
export interface PhysicalLimit extends BulkOperations {
  readonly name: 'copy';
  close(): Promise<void>;
}

export type AnyLibrary = BenchLibrary | PhysicalLimit;

export function runsEveryScenario(library: AnyLibrary): library is BenchLibrary {
  return library.name !== 'copy';
}

/**
 * The noise control and ours without prepared statements run the single calls only: bulk scenarios take minutes per
 * library, their spread shows in the rounds, and a statement of hundreds of rows costs the same to parse either way.
 */
export function runsBulkScenarios(name: LibraryName): boolean {
  return name !== 'raw-pg-again' && name !== 'ours-unprepared';
}

export interface LibraryOptions {
  url: string;
  poolSize: number;
  /** The database as a role granted its tables, for `ours-granted`; why not, when there is none. */
  grantedUrl?: string | { unavailable: string };
}
