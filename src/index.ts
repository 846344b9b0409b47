// Opening the database
export { connect, Database } from './database.ts';
export type { Transaction, PrimaryStatus } from './database.ts';
export type { BoundService, BoundServices } from './services.ts';
export type { ConnectOptions } from './connection/connect-options.ts';
export type { CloseOptions } from './connection/calls-in-flight.ts';
export type { SslMode, SslOption } from './connection/ssl.ts';
export type { TargetSessionAttrs } from './connection/database-url.ts';
export type { ConnectionReport } from './connection/check-connection.ts';
export type { Session } from './replication/session.ts';
export type { ReplicaOptions } from './replication/replica-set.ts';
export type { ReplicaStatus } from './replication/replica.ts';

// Migrations
export { migrate, migrationStatus, rollback } from './migrator/migrator.ts';
export { distribute } from './citus/distribute.ts';
export type { DistributeOptions, DistributeResult } from './citus/distribute.ts';
export type { MigrateOptions, MigrationStatus, MigrationTarget, RollbackOptions, SchemaOption } from './migrator/migrator.ts';
export type { ExecutedMigration } from './migrator/migration-history.ts';
export { MIGRATIONS_TABLE } from './migrator/migration-history.ts';

// Service functions: each takes an EntityManager first (yours, or `db.fork()`)
export { users, projects, cams } from './services.ts';

// Tracing: every service call is published on this diagnostics_channel TracingChannel
export { SERVICE_CALL_CHANNEL } from './tracing.ts';
export type { ServiceCallContext } from './tracing.ts';
export type { ServiceCallName } from './services.ts';

// Schemas of every input and output, and the types inferred from them: for an HTTP layer to validate with
export { userUpsertSchema, userPatchSchema, emailSchema, userSchema, userWithProjectsSchema, SUBSCRIPTION_STATUSES } from './user/user.schemas.ts';
export type { UserUpsertInput, UserPatch, UserDto, UserWithProjectsDto } from './user/user.schemas.ts';
export {
  projectInputSchema,
  projectPatchSchema,
  projectGetOptionsSchema,
  projectListOptionsSchema,
  projectDuplicateOptionsSchema,
  projectSchema,
  projectWithCamsSchema,
  projectDocumentSchema,
  PROJECT_ORDERINGS,
  PROJECT_DOCUMENT_FORMAT,
  PROJECT_DOCUMENT_VERSION,
} from './project/project.schemas.ts';
export type {
  ProjectInput,
  ProjectPatch,
  ProjectGetOptions,
  ProjectListOptions,
  ProjectDuplicateOptions,
  ProjectDto,
  ProjectWithCamsDto,
  ProjectDocument,
} from './project/project.schemas.ts';
export {
  camInputSchema,
  camPatchSchema,
  camUpdateOptionsSchema,
  camListOptionsSchema,
  camSummarySchema,
  camSchema,
  profileAnalysisSchema,
} from './cam/cam.schemas.ts';
export type { CamInput, CamPatch, CamUpdateOptions, CamListOptions, CamSummaryDto, CamDto } from './cam/cam.schemas.ts';
export { MAX_CAMS_PER_CALL } from './cam/cam.service.ts';
export { profilePointSchema, profilePointsSchema, MIN_PROFILE_POINTS, MAX_PROFILE_POINTS } from './cam/profile-points.ts';
export type { ProfilePoint } from './cam/profile-points.ts';
export { pageSchema, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './common/pagination.ts';
export type { Page } from './common/pagination.ts';

// Cam profiles
export { analyzeProfile, CHECKING_HEIGHTS } from './cam/profile-analysis.ts';
export type { CheckingHeight, ProfileAnalysis } from './cam/profile-analysis.ts';

// Entities, for the unit of work and for embedding in a host application's ORM
export { entities, placeInSchema } from './entities.ts';
export { User } from './user/user.entity.ts';
export { Project } from './project/project.entity.ts';
export { Cam } from './cam/cam.entity.ts';
export { CAM_TYPES } from './cam/cam-type.ts';
export type { CamType } from './cam/cam-type.ts';

// Row-level security: the setting a transaction of your own sets to act for a user (docs/security.md)
export { ACTING_USER_SETTING } from './common/acting-user.ts';

// Errors
export {
  DataAccessError,
  ValidationError,
  NotFoundError,
  ConflictError,
  ConfigurationError,
  ConnectionError,
  CONNECTION_FAULTS,
} from './common/errors.ts';
export type { ValidationIssue, EntityName, ConnectionFault } from './common/errors.ts';
