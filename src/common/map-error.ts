import { ConflictError, ConnectionError, DataAccessError, NotFoundError, ValidationError, type EntityName } from './errors.ts';

// Node network errors and the PostgreSQL SQLSTATEs that mean "we never got a usable session".
const CONNECTION_FAILURE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  '28000', // invalid_authorization_specification (e.g. no pg_hba.conf entry, SSL required)
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name: the database does not exist
  '53300', // too_many_connections
  '57P03', // cannot_connect_now: starting up or shutting down
]);
// pg reports timeouts and dropped sockets by message only.
const CONNECTION_FAILURE_MESSAGE = /timeout expired|connection terminated|connection timeout|does not support SSL|server does not support/i;

/** What the unique constraints of our schema mean to a caller. */
const UNIQUE_CONSTRAINTS: Record<string, string> = {
  users_email_lower_unique: 'This e-mail address is already taken by another user',
  users_pkey: 'A user with this id already exists',
};

/** Which record a foreign key points at, so a dangling reference reads as "that record was not found". */
const FOREIGN_KEYS: Record<string, EntityName> = {
  projects_user_id_foreign: 'User',
  cams_project_id_foreign: 'Project',
};

interface DriverErrorFields {
  code?: string;
  constraint?: string;
  column?: string;
  detail?: string;
  message: string;
}

/**
 * The one place that turns a failure from the driver or MikroORM into our typed errors. Our own errors pass through
 * untouched; anything unforeseen becomes a plain `DataAccessError` that keeps the original as `cause`.
 */
export function toDataAccessError(error: unknown): DataAccessError {
  if (error instanceof DataAccessError) {
    return error;
  }
  const fields = driverFields(error);
  const { code, message } = fields;
  if ((code && CONNECTION_FAILURE_CODES.has(code)) || CONNECTION_FAILURE_MESSAGE.test(message)) {
    return new ConnectionError(`Cannot connect to the database: ${message}`, { cause: error });
  }
  switch (code) {
    case '23505': // unique_violation
      return new ConflictError(UNIQUE_CONSTRAINTS[fields.constraint ?? ''] ?? `Duplicate value: ${fields.detail ?? message}`, { cause: error });
    case '23503': {
      // foreign_key_violation: the referenced row is missing (or was deleted meanwhile)
      const entity = FOREIGN_KEYS[fields.constraint ?? ''];
      const id = /\)=\((.*)\) is not present/s.exec(fields.detail ?? '')?.[1];
      return entity && id !== undefined
        ? new NotFoundError(entity, entity === 'User' ? id : Number(id), { cause: error })
        : new ConflictError(`Referenced record missing: ${fields.detail ?? message}`, { cause: error });
    }
    case '23514': // check_violation
    case '23502': // not_null_violation
    case '22003': // numeric_value_out_of_range
    case '22001': // string_data_right_truncation
      return new ValidationError([{ path: fields.column ? [fields.column] : [], message, code: `postgres_${code}` }], { cause: error });
  }
  if (error instanceof Error && error.name === 'OptimisticLockError') {
    return new ConflictError(message, { cause: error });
  }
  return new DataAccessError(message, { cause: error });
}

/** Runs `work` and rethrows whatever it throws as a `DataAccessError`. */
export async function mappingErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDataAccessError(error);
  }
}

function driverFields(error: unknown): DriverErrorFields {
  if (!(error instanceof Error)) {
    return { message: String(error) };
  }
  // MikroORM copies the pg error's fields onto its own exception; pg's own errors carry them directly.
  const source = error as Error & Partial<Record<'code' | 'constraint' | 'column' | 'detail', unknown>>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    code: text(source.code),
    constraint: text(source.constraint),
    column: text(source.column),
    detail: text(source.detail),
    message: error.message,
  };
}
