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
