import { ConnectionError, DataAccessError } from './errors.ts';

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

/**
 * The one place that turns a failure from the driver or MikroORM into our typed errors. Our own errors pass through
 * untouched; anything unforeseen becomes a plain `DataAccessError` that keeps the original as `cause`.
 */
export function toDataAccessError(error: unknown): DataAccessError {
  if (error instanceof DataAccessError) {
    return error;
  }
  const { code, message } = describe(error);
  if ((code && CONNECTION_FAILURE_CODES.has(code)) || CONNECTION_FAILURE_MESSAGE.test(message)) {
    return new ConnectionError(`Cannot connect to the database: ${message}`, { cause: error });
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

function describe(error: unknown): { code: string | undefined; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { code: undefined, message: String(error) };
}
