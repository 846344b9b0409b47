import type { z } from 'zod';

/**
 * Every error this package throws on purpose is a `DataAccessError` with a stable `code`, so callers can branch on
 * `error.code` (or `instanceof`) without parsing messages. The original failure, when there is one, is `cause`.
 * `retryable` says whether making the same call again is safe and may succeed: it is never true when the failed call
 * could have written something that a second call would write again.
 */
export class DataAccessError extends Error {
  // Each class names itself: a class's own `name` is whatever a bundler or minifier renamed it to (`_ValidationError`).
  override name = 'DataAccessError';
  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, options: { code?: string; cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'DATA_ACCESS';
    this.retryable = options.retryable ?? false;
  }
}

/** The options given to `connect()` or a migration call cannot work: nothing was attempted. */
export class ConfigurationError extends DataAccessError {
  override name = 'ConfigurationError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'CONFIGURATION', cause: options.cause });
  }
}

/**
 * What went wrong with the connection, for code that counts or reacts to faults:
 * - `unreachable`: no connection could be opened (refused, unknown host, network down); nothing was sent.
 * - `connect-timeout`: no connection within `connectTimeoutMillis`; nothing was sent.
 * - `acquire-timeout`: no free connection in the pool within `acquireTimeoutMillis`; nothing was sent.
 * - `unavailable`: the server is starting up, shutting down, or has no connection slot left; nothing was sent.
 * - `refused`: the server refused the login, the database does not exist, or TLS does not match; nothing was sent.
 * - `terminated`: the server ended the session (shutdown, `pg_terminate_backend`, a crash, an idle timeout).
 * - `lost`: the connection broke (reset, closed) while a statement was on its way or running.
 * - `statement-timeout`: no answer within `statementTimeoutMillis`, or the server cancelled the statement.
 * - `read-only`: the server only reads (a standby, or a primary demoted by a failover); nothing was written.
 * - `closed`: `db.close()` was called.
 * - `prepared-statement`: a server connection did not hold a statement the package had prepared on it (a transaction
 *   pooler that does not keep prepared statements); the transaction was rolled back, nothing was written.
 */
export const CONNECTION_FAULTS = [
  'unreachable',
  'connect-timeout',
  'acquire-timeout',
  'unavailable',
  'refused',
  'terminated',
  'lost',
  'statement-timeout',
  'read-only',
  'closed',
  'prepared-statement',
] as const;
export type ConnectionFault = (typeof CONNECTION_FAULTS)[number];

/** The database could not be reached, refused us, or the connection failed or timed out during a call. */
export class ConnectionError extends DataAccessError {
  override name = 'ConnectionError';
  readonly reason: ConnectionFault;

  constructor(message: string, options: { reason: ConnectionFault; retryable: boolean; cause?: unknown }) {
    super(message, { code: 'CONNECTION', cause: options.cause, retryable: options.retryable });
    this.reason = options.reason;
  }
}

/** One problem with an input: where it is (`path`, as zod reports it) and what is wrong. */
export interface ValidationIssue {
  path: PropertyKey[];
  message: string;
  code: string;
}

/** The input was refused before anything was written. `issues` lists every problem, not only the first. */
export class ValidationError extends DataAccessError {
  override name = 'ValidationError';
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[], options: { cause?: unknown } = {}) {
    super(`Invalid input: ${issues.map(describeIssue).join('; ')}`, { code: 'VALIDATION', cause: options.cause });
    this.issues = issues;
  }

  static fromZod(error: z.ZodError): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => ({ path: issue.path, message: issue.message, code: issue.code })),
      { cause: error },
    );
  }
}

function describeIssue(issue: ValidationIssue): string {
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}

export type EntityName = 'User' | 'Project' | 'Cam';

/** The record does not exist, or belongs to another user: the two are deliberately indistinguishable. */
export class NotFoundError extends DataAccessError {
  override name = 'NotFoundError';
  readonly entity: EntityName;
  readonly id: string | number;

  constructor(entity: EntityName, id: string | number, options: { cause?: unknown } = {}) {
    super(`${entity} ${JSON.stringify(id)} not found`, { code: 'NOT_FOUND', cause: options.cause });
    this.entity = entity;
    this.id = id;
  }
}

/**
 * The write collides with the current state: an e-mail address already taken, a stale version, an id in use; or with
 * a concurrent transaction (a deadlock, a serialization failure), which PostgreSQL rolled back: only that kind is
 * `retryable`.
 */
export class ConflictError extends DataAccessError {
  override name = 'ConflictError';
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { code: 'CONFLICT', cause: options.cause, retryable: options.retryable });
  }
}
