// Opening the database
export { connect, Database } from './database.ts';
export type { Transaction } from './database.ts';
export type { BoundService, BoundServices } from './services.ts';
export type { ConnectOptions } from './connection/connect-options.ts';
export type { CloseOptions } from './connection/calls-in-flight.ts';
export type { SslMode, SslOption } from './connection/ssl.ts';
export type { ConnectionReport } from './connection/check-connection.ts';
export type { Session } from './replication/session.ts';
export type { ReplicaOptions } from './replication/replica-set.ts';
export type { ReplicaStatus } from './replication/replica.ts';

// Migrations
export { migrate, migrationStatus, rollback } from './migrator/migrator.ts';
export type { MigrateOptions, MigrationStatus, MigrationTarget, RollbackOptions, SchemaOption } from './migrator/migrator.ts';
export type { ExecutedMigration } from './migrator/migration-history.ts';
export { MIGRATIONS_TABLE } from './migrator/migration-history.ts';

// Service functions: each takes an EntityManager first (yours, or `db.fork()`)
export { users, projects, cams } from './services.ts';

// Tracing: every service call is published on this diagnostics_channel TracingChannel
export { SERVICE_CALL_CHANNEL } from './tracing.ts';
export type { ServiceCallContext } from './tracing.ts';
export type { ServiceCallName } from './services.ts';

// Schemas of every input and output, and the types inferred from them
export * from './user/user.schemas.ts';
export * from './project/project.schemas.ts';
export * from './cam/cam.schemas.ts';
export { profilePointSchema, profilePointsSchema, MIN_PROFILE_POINTS, MAX_PROFILE_POINTS } from './cam/profile-points.ts';
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
export type { ProfilePoint } from './cam/profile-points.ts';
export { UserRepository } from './user/user.repository.ts';
export { ProjectRepository } from './project/project.repository.ts';
export { CamRepository } from './cam/cam.repository.ts';

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
