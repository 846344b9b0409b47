import { CUT_BY_CLOSE, HANDLE_CLOSED, STATEMENT_DEADLINE_PASSED } from './fault-codes.ts';
import { ConfigurationError, ConflictError, ConnectionError, DataAccessError, NotFoundError, ValidationError, type ConnectionFault } from './errors.ts';

/**
 * What the failed work was, as far as a retry is concerned. `repeatable`: running it again is safe even if the failed
 * attempt took effect, because it reads, sets values (an update, an upsert, a delete), or ran inside a transaction
 * that a broken connection rolls back. Creating rows outside a transaction, and COMMIT, are not.
 */
export interface FailedWork {
  repeatable: boolean;
  /**
   * The ids the work referred to, by the entity they name: what a foreign-key violation is reported with when the
   * server keeps the key out of its message (it does for a role under row-level security).
   */
  referenced?: { User?: string; Project?: number };
}

/** A connection fault: why, whether it can have reached the server, and what to tell the caller. */
interface Fault {
  reason: ConnectionFault;
  message: string;
  /** Whether the failed statement may have taken effect: then only repeatable work may be retried. */
  outcomeUnknown: boolean;
  /** Whether a retry may succeed at all (a refused login will be refused again). */
  transient: boolean;
}

// Node network errors that happen while a connection is being opened: nothing was sent.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// Node network errors of an open connection (ETIMEDOUT: TCP keepalive found the peer gone).
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
// Refused logins and databases: the same call will be refused again until the configuration changes.
const REFUSED_CODES = new Set([
  '28000', // invalid_authorization_specification (e.g. no pg_hba.conf entry, SSL required)
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name: the database does not exist
]);
const TERMINATIONS: Record<string, { why: string; outcomeUnknown: boolean }> = {
  '57P01': { why: 'admin shutdown: the server is shutting down, or pg_terminate_backend() ended the session', outcomeUnknown: true },
  '57P02': { why: 'crash shutdown: another server process crashed', outcomeUnknown: true },
  '25P03': { why: 'idle in a transaction for longer than idle_in_transaction_session_timeout; the transaction was rolled back', outcomeUnknown: false },
  '57P05': { why: 'idle for longer than idle_session_timeout', outcomeUnknown: false },
};
// pg reports these by message only.
const POOL_WAIT_EXPIRED = /timeout exceeded when trying to connect|Connection terminated due to connection timeout/;
const CONNECT_TIMEOUT = /^timeout expired$|connection timeout/i;
const CONNECTION_BROKEN = /^Connection terminated|not queryable/;
const POOL_ENDED = /Cannot use a pool after calling end on the pool/;
const NO_TLS = /does not support SSL|server does not support/i;

/**
 * What a connection pooler (PgBouncer) says of its own faults: an ErrorResponse with SQLSTATE 08P01 and one of these
 * messages, for what a direct connection would report with a code of its own (or as a broken socket).
 */
const POOLER_FAULTS: { message: RegExp; reason: ConnectionFault; outcomeUnknown: boolean; transient: boolean; why: string }[] = [
  { message: /server conn crashed|server closed the connection unexpectedly/, reason: 'lost', outcomeUnknown: true, transient: true, why: 'the pooler lost its connection to the server during the call' },
  { message: /query_wait_timeout|client_login_timeout/, reason: 'acquire-timeout', outcomeUnknown: false, transient: true, why: 'the pooler had no server connection for the call within its wait timeout' },
  { message: /server_login_retry|pgbouncer cannot connect to server|no more connections allowed/, reason: 'unavailable', outcomeUnknown: false, transient: true, why: 'the pooler cannot open a connection to the server now' },
  { message: /authentication failed|no such user|not allowed|does not exist/, reason: 'refused', outcomeUnknown: false, transient: false, why: 'the pooler refused the login' },
];

/**
 * Whether a statement failed only because it was sent by name, before any of it ran:
 * - the server connection did not hold what the client had prepared on it, a named statement it does not know (26000)
 *   or one it already has (42P05): a server connection that a transaction pooler shares among clients (PgBouncer
 *   before 1.21, or without `max_prepared_statements`); a direct connection never says so;
 * - the tables changed under a prepared statement so that its rows would change shape (0A000, "cached plan must not
 *   change result type"): a migration applied by another process while this one runs.
 */
export function failedByName(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '26000' || code === '42P05' || (code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type'));
}

/** Which connection fault `error` is, if it is one. */
function connectionFault(code: string | undefined, message: string): Fault | undefined {
  const fault = (reason: ConnectionFault, text: string, outcomeUnknown: boolean, transient = true): Fault => ({ reason, message: text, outcomeUnknown, transient });
  const cannotConnect = `Cannot connect to the database: ${message}`;
  if (code === HANDLE_CLOSED || POOL_ENDED.test(message)) return fault('closed', 'The database handle is closed: close() was called', false, false);
  if (code === CUT_BY_CLOSE) return fault('closed', 'The database handle is closed: close() was called, and its grace period ended while the statement ran', true, false);
  if (code === STATEMENT_DEADLINE_PASSED) {
    return fault('statement-timeout', `No answer from the database within statementTimeoutMillis (${message}): the connection was closed`, true);
  }
  if (code && UNREACHABLE_CODES.has(code)) return fault('unreachable', cannotConnect, false);
  if (code && REFUSED_CODES.has(code)) return fault('refused', cannotConnect, false, false);
  if (NO_TLS.test(message)) return fault('refused', cannotConnect, false, false);
  if (code === '57P03') return fault('unavailable', `Cannot connect to the database: the server is starting up, shutting down or recovering (${message})`, false);
  if (code === '53300') return fault('unavailable', `Cannot connect to the database: the server has no connection slot left (${message})`, false);
  if (code === '08P01') {
    const pooler = POOLER_FAULTS.find((candidate) => candidate.message.test(message));
    if (pooler) return fault(pooler.reason, `${pooler.reason === 'refused' ? 'Cannot connect to the database' : 'Connection fault'}: ${pooler.why} (${message})`, pooler.outcomeUnknown, pooler.transient);
  }
  // Only inside a transaction: outside one the connection sends the statement again without its name.
  if (failedByName({ code, message })) {
    return fault(
      'prepared-statement',
      `The server connection did not hold a statement the package had prepared on it (${message}): the transaction was rolled back and nothing of it was written. ` +
        'Behind a transaction pooler that does not keep prepared statements, connect with preparedStatements: false; this handle has stopped preparing them',
      false,
    );
  }
  if (code === '25006') return fault('read-only', 'The server is read-only (a standby?): writes must go to the primary. Nothing was written', false);
  if (code === '57014') return fault('statement-timeout', `The server cancelled the statement (${message}); nothing of it was written`, false);
  const termination = code ? TERMINATIONS[code] : undefined;
  if (termination) return fault('terminated', `The server terminated the connection (${termination.why})`, termination.outcomeUnknown);
  if (POOL_WAIT_EXPIRED.test(message)) {
    return fault('acquire-timeout', 'No free connection in the pool within acquireTimeoutMillis: every connection stayed busy (raise pool.max or acquireTimeoutMillis, or look for calls that hold connections)', false);
  }
  if (CONNECT_TIMEOUT.test(message)) return fault('connect-timeout', `Cannot connect to the database: no answer within connectTimeoutMillis (${message})`, false);
  if ((code && LOST_CODES.has(code)) || CONNECTION_BROKEN.test(message)) {
    return fault('lost', `The connection to the database was lost during the call (${message})`, true);
  }
  return undefined;
}

/** The message of a `ConflictError` for an address another user holds. */
export const EMAIL_TAKEN = 'This e-mail address is already taken by another user';

/**
 * Citus planned a statement against a placement of a shard that changed before it ran: a table distributed while it is
 * written (`distribute({ online: true })`) or a shard moved by the rebalancer. The statement failed as a whole.
 */
const SHARD_MOVED = /could not find valid entry for shard \d+/;

/** What the unique constraints of our schema mean to a caller. */
const UNIQUE_CONSTRAINTS: Record<string, string> = {
  users_email_lower_unique: EMAIL_TAKEN,
  users_pkey: 'A user with this id already exists',
};

/** Which record a foreign key points at, so a dangling reference reads as "that record was not found". */
const FOREIGN_KEYS: Record<string, 'User' | 'Project'> = {
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
export function toDataAccessError(error: unknown, work: FailedWork = { repeatable: false }): DataAccessError {
  if (error instanceof DataAccessError) {
    return error;
  }
  const connectionError = asConnectionError(error, work);
  if (connectionError) {
    return connectionError;
  }
  const fields = driverFields(error);
  const { code, message } = fields;
  switch (code) {
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
      return new ConflictError(`The transaction collided with a concurrent one (${message}) and was rolled back: repeat it`, { cause: error, retryable: true });
    case '23505': // unique_violation
      return new ConflictError(UNIQUE_CONSTRAINTS[fields.constraint ?? ''] ?? `Duplicate value: ${fields.detail ?? message}`, { cause: error });
    case '23503': {
      // foreign_key_violation: the referenced row is missing (or was deleted meanwhile)
      const entity = FOREIGN_KEYS[fields.constraint ?? ''];
      const key = /\)=\((.*)\) is not present/s.exec(fields.detail ?? '')?.[1];
      // A project's key is `(project_id)`, or `(user_id, project_id)` where the tables are distributed by user: its last value.
      const id = entity === undefined ? undefined : key === undefined ? work.referenced?.[entity] : entity === 'User' ? key : Number(key.split(', ').at(-1));
      return entity && id !== undefined
        ? new NotFoundError(entity, id, { cause: error })
        : new ConflictError(`Referenced record missing: ${fields.detail ?? message}`, { cause: error });
    }
    case '42501': // insufficient_privilege, and a row that row-level security refuses
      return new ConfigurationError(
        `The database refused this to the connection's role (${message}). A role that does not own the tables needs the grants of ` +
          "migrate({ grantTo }), and writes of its own (not through the package's calls) must act for the user whose rows they are: " +
          "set_config('enginecampro.acting_user', <user id>, true) in their transaction",
        { cause: error },
      );
    case '23514': // check_violation
    case '23502': // not_null_violation
    case '22003': // numeric_value_out_of_range
    case '22001': // string_data_right_truncation
      return new ValidationError([{ path: fields.column ? [fields.column] : [], message, code: `postgres_${code}` }], { cause: error });
  }
  if (SHARD_MOVED.test(message)) {
    return new ConflictError(`The table's shards moved during the call (${message}): nothing was written, repeat it`, { cause: error, retryable: true });
  }
  if (error instanceof Error && error.name === 'OptimisticLockError') {
    return new ConflictError(message, { cause: error });
  }
  return new DataAccessError(message, { cause: error });
}

/** `error` as a `ConnectionError` when it is a connection fault (and not already ours), otherwise `undefined`. */
export function asConnectionError(error: unknown, work: FailedWork): ConnectionError | undefined {
  if (error instanceof DataAccessError) return undefined;
  const { code, message } = driverFields(error);
  const fault = connectionFault(code, message);
  if (!fault) return undefined;
  const retryable = fault.transient && (!fault.outcomeUnknown || work.repeatable);
  const outcome = fault.outcomeUnknown && !work.repeatable ? '. The statement may or may not have been committed: check before repeating it' : '';
  return new ConnectionError(fault.message + outcome, { reason: fault.reason, retryable, cause: error });
}

/** Runs `work` and rethrows whatever it throws as a `DataAccessError`. */
export async function mappingErrors<T>(work: () => Promise<T>, failed?: FailedWork): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDataAccessError(error, failed);
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
    constraint: text(source.constraint) ?? constraintInMessage(error.message),
    column: text(source.column) ?? columnInMessage(error.message),
    detail: text(source.detail),
    message: error.message,
  };
}

/**
 * A constraint's name from the server's message, for an error relayed by Citus from a worker: it keeps the message and
 * detail but not the `constraint` and `column` fields, and the worker names the shard's constraint, whose name ends in
 * the shard's id (`users_email_lower_unique_102008`). The suffix is dropped when the name without it is one of ours.
 */
const CONSTRAINT_IN_MESSAGE = /violates (?:unique|foreign key|check|exclusion) constraint "([^"]+)"/;
const SHARD_SUFFIX = /_\d+$/;
const KNOWN_CONSTRAINTS = new Set([...Object.keys(UNIQUE_CONSTRAINTS), ...Object.keys(FOREIGN_KEYS)]);

function constraintInMessage(message: string): string | undefined {
  const name = CONSTRAINT_IN_MESSAGE.exec(message)?.[1];
  if (name === undefined || KNOWN_CONSTRAINTS.has(name)) return name;
  const unsharded = name.replace(SHARD_SUFFIX, '');
  return KNOWN_CONSTRAINTS.has(unsharded) ? unsharded : name;
}

/** The column of a NOT NULL violation relayed by Citus (see `constraintInMessage`). */
function columnInMessage(message: string): string | undefined {
  return /^null value in column "([^"]+)"/.exec(message)?.[1];
}
