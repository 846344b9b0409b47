import type { z } from 'zod';

/**
 * Every error this package throws on purpose is a `DataAccessError` with a stable `code`, so callers can branch on
 * `error.code` (or `instanceof`) without parsing messages. The original failure, when there is one, is `cause`.
 */
export class DataAccessError extends Error {
  readonly code: string;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'DATA_ACCESS';
  }
}

/** The options given to `connect()` or a migration call cannot work: nothing was attempted. */
export class ConfigurationError extends DataAccessError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'CONFIGURATION', cause: options.cause });
  }
}

/** The database could not be reached or refused us: unreachable host, timeout, wrong password, unknown database. */
export class ConnectionError extends DataAccessError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'CONNECTION', cause: options.cause });
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
  readonly entity: EntityName;
  readonly id: string | number;

  constructor(entity: EntityName, id: string | number, options: { cause?: unknown } = {}) {
    super(`${entity} ${JSON.stringify(id)} not found`, { code: 'NOT_FOUND', cause: options.cause });
    this.entity = entity;
    this.id = id;
  }
}

/** The write collides with the current state: an e-mail address already taken, a stale version, an id in use. */
export class ConflictError extends DataAccessError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'CONFLICT', cause: options.cause });
  }
}
