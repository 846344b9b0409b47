import { ConfigurationError } from '../common/errors.ts';

/** The parts of a `postgres://` URL that the driver needs, decoded. */
export interface DatabaseUrl {
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
  database: string;
  /** Query parameters, e.g. `sslmode`, `sslrootcert`, `application_name`. */
  params: URLSearchParams;
}

const DEFAULT_PORT = 5432;

/**
 * Parses a libpq-style connection URL. `host` in the query string (a Unix socket directory) overrides the URL's
 * host, as libpq does. Errors never repeat the URL, because it may hold a password.
 */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ConfigurationError('The database URL is not a valid URL (expected postgres://user:password@host:5432/database)', { cause });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigurationError(`The database URL must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  const database = decode(parsed.pathname.replace(/^\//, ''));
  if (!database) {
    throw new ConfigurationError('The database URL names no database (expected postgres://user:password@host:5432/database)');
  }
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORT;
  const host = parsed.searchParams.get('host') ?? decode(parsed.hostname.replace(/^\[(.*)\]$/, '$1'));
  return {
    host: host || 'localhost',
    port,
    user: parsed.username ? decode(parsed.username) : undefined,
    password: parsed.password ? decode(parsed.password) : undefined,
    database,
    params: parsed.searchParams,
  };
}

/**
 * The URL with its password replaced by `*****`, safe to print. It reads the URL with the parser `connect()` uses, so
 * the whole password is masked even when it holds an unescaped `@` (the last `@` ends the user information).
 */
export function redactDatabaseUrl(url: string): string {
  if (!URL.canParse(url)) return '(unparsable URL)';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '*****';
  return parsed.href;
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch (cause) {
    throw new ConfigurationError('The database URL has a malformed %-escape in its user, password, host or database name', { cause });
  }
}
