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

export const LIBRARY_NAMES = ['ours', 'raw-pg', 'mikro-orm', 'drizzle', 'prisma'] as const;
export type LibraryName = (typeof LIBRARY_NAMES)[number];

/**
 * Every operation the scenarios time, as each library does it. All return the package's DTOs (the same keys, the same
 * value types), so what is measured is the whole way from a call to the data a caller can send on.
 */
export interface BenchLibrary {
  readonly name: LibraryName;
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
  createCams(userId: string, projectId: number, cams: CamInput[]): Promise<CamSummaryDto[]>;
  exportProject(userId: string, projectId: number): Promise<ProjectDocument>;
  importProject(userId: string, document: ProjectDocument): Promise<ProjectWithCamsDto>;
  close(): Promise<void>;
}

export interface LibraryOptions {
  url: string;
  poolSize: number;
}
