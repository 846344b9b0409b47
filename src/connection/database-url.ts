import { ConfigurationError } from '../common/errors.ts';

/** One server of a connection string: a host name, an IP address or a Unix socket directory, and its port. */
export interface HostAddress {
  host: string;
  port: number;
}

/**
 * What a new connection must find on the server, as libpq's `target_session_attrs` says it: `any` server that accepts
 * the connection, one that takes writes (`read-write`), one that is not in recovery (`primary`), a hot standby
 * (`standby`), one that refuses writes (`read-only`), or a standby if any host has one, else any (`prefer-standby`).
 */
export const TARGET_SESSION_ATTRS = ['any', 'read-write', 'primary', 'prefer-standby', 'read-only', 'standby'] as const;
export type TargetSessionAttrs = (typeof TARGET_SESSION_ATTRS)[number];

/** The parts of a `postgres://` URL that the driver needs, decoded. */
export interface DatabaseUrl {
  /** The first of `hosts`. */
  host: string;
  port: number;
  /** Every host the URL names, in its order: `postgres://h1:5432,h2:5433/db`, or `?host=h1,h2&port=5432,5433`. */
  hosts: HostAddress[];
  /** `target_session_attrs` of the URL; `undefined` when it names none. */
  targetSessionAttrs: TargetSessionAttrs | undefined;
  user: string | undefined;
  password: string | undefined;
  database: string;
  /** Query parameters, e.g. `sslmode`, `sslrootcert`, `application_name`. */
  params: URLSearchParams;
}

const DEFAULT_PORT = 5432;
/** `scheme://authority rest`: the authority ends at the first `/`, `?` or `#`, as in RFC 3986. */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s;

/**
 * Parses a libpq-style connection URL, with libpq's multi-host forms: several `host:port` pairs separated by commas
 * in the authority (`postgres://u@h1:5432,h2:5433/db`), or `host` and `port` lists in the query string, which
 * override the authority's as in libpq (a single `port` applies to every host). `host` in the query string may be a
 * Unix socket directory. Errors never repeat the URL, because it may hold a password.
 */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  const { single, hostList } = splitHosts(url);
  let parsed: URL;
  try {
    parsed = new URL(single);
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
  const hosts = hostsOf(hostList ?? [`${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}`], parsed.searchParams);
  return {
    host: hosts[0]!.host,
    port: hosts[0]!.port,
    hosts,
    targetSessionAttrs: targetSessionAttrsOf(parsed.searchParams.get('target_session_attrs')),
    user: parsed.username ? decode(parsed.username) : undefined,
    password: parsed.password ? decode(parsed.password) : undefined,
    database,
    params: parsed.searchParams,
  };
}

/** A `target_session_attrs` value, refused with a `ConfigurationError` unless libpq knows it. */
export function targetSessionAttrsOf(value: string | null): TargetSessionAttrs | undefined {
  if (value === null) return undefined;
  if (!(TARGET_SESSION_ATTRS as readonly string[]).includes(value)) {
    throw new ConfigurationError(`Unknown target_session_attrs "${value}" in the database URL: expected one of ${TARGET_SESSION_ATTRS.join(', ')}`);
  }
  return value as TargetSessionAttrs;
}

/** `host:port` as a status shows a server: `db.example.com:5432`, `[::1]:5433`. */
export function hostLabel(address: HostAddress): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/**
 * The URL with one host only, which WHATWG's URL parser takes, and the authority's host list when it has several.
 * The user information ends at the last `@` of the authority, so a password may hold an unescaped `@`.
 */
function splitHosts(url: string): { single: string; hostList: string[] | undefined } {
  const parts = URL_PARTS.exec(url);
  if (!parts) return { single: url, hostList: undefined };
  const [, scheme = '', authority = '', rest = ''] = parts;
  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? '' : authority.slice(0, at + 1);
  const hostPart = authority.slice(at + 1);
  if (!hostPart.includes(',')) return { single: url, hostList: undefined };
  const hostList = hostPart.split(',');
  return { single: `${scheme}${userInfo}${hostList[0] || 'localhost'}${rest}`, hostList };
}

/** The hosts of the authority (`h1:5432`, `[::1]:5433`, `h3`), unless the query string's `host` and `port` override them. */
function hostsOf(authorityHosts: string[], params: URLSearchParams): HostAddress[] {
  const fromAuthority = authorityHosts.map((entry) => {
    const match = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(entry)!;
    return { host: decode(match[1]!.replace(/^\[(.*)\]$/, '$1')), port: match[2] };
  });
  const queryHosts = params.get('host')?.split(',');
  const queryPorts = params.get('port')?.split(',');
  const names = queryHosts ?? fromAuthority.map((entry) => entry.host);
  const ports = queryPorts ?? fromAuthority.map((entry) => entry.port);
  if (ports.length !== 1 && ports.length !== names.length) {
    throw new ConfigurationError(`The database URL names ${names.length} hosts but ${ports.length} ports: give one port for all, or one per host`);
  }
  return names.map((host, index) => ({ host: host || 'localhost', port: portOf(ports.length === 1 ? ports[0] : ports[index]) }));
}

function portOf(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) {
    throw new ConfigurationError(`The database URL has an invalid port "${text}": expected a number from 1 to 65535`);
  }
  return port;
}

/**
 * The URL with its password replaced by `*****`, safe to print. It reads the URL with the parser `connect()` uses, so
 * the whole password is masked even when it holds an unescaped `@` (the last `@` ends the user information), and
 * a multi-host URL keeps its hosts.
 */
export function redactDatabaseUrl(url: string): string {
  const { single, hostList } = splitHosts(url);
  if (!URL.canParse(single)) return '(unparsable URL)';
  const parsed = new URL(single);
  if (parsed.password) parsed.password = '*****';
  if (!hostList) return parsed.href;
  // The host list goes back where WHATWG's parser put the first host; nothing in it can hold the password.
  const redacted = URL_PARTS.exec(parsed.href)!;
  const at = redacted[2]!.lastIndexOf('@');
  return `${redacted[1]}${redacted[2]!.slice(0, at + 1)}${hostList.join(',')}${redacted[3]}`;
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch (cause) {
    throw new ConfigurationError('The database URL has a malformed %-escape in its user, password, host or database name', { cause });
  }
}
