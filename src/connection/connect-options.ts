import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { z } from 'zod';
import { ConfigurationError } from '../common/errors.ts';
import { parseOptions } from '../common/options.ts';
import { DEFAULT_SCHEMA, schemaNameSchema } from '../common/schema.ts';
import { TARGET_SESSION_ATTRS } from './database-url.ts';
import { SSL_MODES } from './ssl.ts';

/** One server, as the structured form of a multi-host URL names it. */
const hostSchema = z.strictObject({
  /** A host name, an IP address, or a Unix socket directory. */
  host: z.string().min(1),
  /** Default 5432. */
  port: z.int().min(1).max(65_535).default(5432),
});

/**
 * The options of `connect()`. Defaults suit a serverless or small service: few connections, closed when idle, and
 * a bounded wait for a connection, so a cold start against an unreachable database fails in seconds.
 */
const serverOptionsSchema = z.strictObject({
  /**
   * `postgres://user:password@host:5432/database?sslmode=require`. Falls back to `DATABASE_URL`. Several hosts as
   * libpq takes them: `postgres://user@host1:5432,host2:5432/database?target_session_attrs=read-write`.
   */
  url: z.string().min(1).optional(),
  /** The hosts to connect to, in order, instead of the URL's: the structured form of a multi-host URL. */
  hosts: z.array(hostSchema).min(1).optional(),
  /**
   * What a server must be for a new connection to stay on it, as libpq's `target_session_attrs`; overrides the URL's.
   * Default for the primary: `read-write` when it has more than one host to choose among (its own, then the
   * replicas'), otherwise `any`; for a replica: `standby` likewise.
   */
  targetSessionAttrs: z.enum(TARGET_SESSION_ATTRS).optional(),
  /**
   * The PostgreSQL schema of the package's tables, created by `migrate()` when missing. Default `public`. Give one of
   * its own (e.g. `enginecampro`) in a database shared with an application that has a `users` table.
   */
  schema: schemaNameSchema.default(DEFAULT_SCHEMA),
  pool: z
    .strictObject({
      /** Most connections open at once. Default 5. */
      max: z.int().positive().default(5),
      /** Connections kept open when idle. Default 0. */
      min: z.int().nonnegative().default(0),
      /** Close a connection idle this long. Default 10,000 ms. */
      idleTimeoutMillis: z.int().nonnegative().default(10_000),
    })
    .refine((pool) => pool.min <= pool.max, { message: 'pool.min must not exceed pool.max', path: ['min'] })
    .default({ max: 5, min: 0, idleTimeoutMillis: 10_000 }),
  /** Give up opening a connection after this long. Default 5,000 ms; never 0 (which would wait forever). */
  connectTimeoutMillis: z.int().positive().default(5_000),
  /** Give up waiting for a free connection of the pool (or a new one for the caller) after this long. Default 10,000 ms. */
  acquireTimeoutMillis: z.int().positive().default(10_000),
  /** The longest one statement may go unanswered; then the server cancels it, or its connection is closed. Default 30,000 ms. */
  statementTimeoutMillis: z.int().positive().max(2_147_483_647).default(30_000),
  /** The server ends a session left idle inside a transaction this long, releasing its locks. Default 60,000 ms. */
  idleInTransactionTimeoutMillis: z.int().positive().max(2_147_483_647).default(60_000),
  /**
   * Send the package's statements by name, each parsed and planned once per connection and then only bound and run,
   * instead of parsed and planned at every call. Default on. Turn it off behind a transaction pooler that does not keep
   * prepared statements (PgBouncer before 1.21, or later without `max_prepared_statements`): it hands one client's
   * statements to server connections that never saw them. Left on there, the handle notices at the first such refusal
   * and stops preparing; a call outside a transaction is repeated without a name, a transaction is rolled back once
   * with a retryable `ConnectionError` (reason `prepared-statement`).
   */
  preparedStatements: z.boolean().default(true),
  /** TCP keepalive: keeps idle connections alive through NAT and load balancers, and finds dead peers. Default on. */
  keepAlive: z.boolean().default(true),
  /** Idle time before the first keepalive probe. Default 10,000 ms. */
  keepAliveInitialDelayMillis: z.int().positive().default(10_000),
  /** TLS: a libpq `sslmode`, `true` (verify-full), `false`, or Node TLS options. Overrides `sslmode` in the URL. */
  ssl: z
    .union([z.boolean(), z.enum(SSL_MODES), z.custom<TlsOptions>((value) => typeof value === 'object' && value !== null)])
    .optional(),
  /** Log every SQL statement (never its parameter values) through `logger`. */
  debug: z.boolean().default(false),
  /** Where log lines go. Default `console.log`. */
  logger: z.custom<(message: string) => void>((value) => typeof value === 'function').optional(),
  /** Shown in `pg_stat_activity`. Default `enginecampro-db`, or `application_name` from the URL. */
  applicationName: z.string().min(1).max(63).optional(),
});

/** One read replica: its URL, or its URL and what differs from the primary (the rest, schema and logging too, is the same). */
const replicaSchema = z.union([
  z.string().min(1),
  serverOptionsSchema
    .pick({ pool: true, connectTimeoutMillis: true, ssl: true, applicationName: true, hosts: true, targetSessionAttrs: true })
    .partial()
    .extend({ url: z.string().min(1) }),
]);

export const connectOptionsSchema = serverOptionsSchema
  .extend({
    /** Read replicas of the primary (`url`): plain reads outside a transaction go to one that is fresh enough. */
    replicas: z.array(replicaSchema).default([]),
    /** The oldest data a plain read may see, in milliseconds behind the primary. Default 1,000 ms. */
    maxReplicaLagMillis: z.int().positive().default(1_000),
    /** How often every replica's progress is checked. Default a quarter of `maxReplicaLagMillis`. */
    replicaProbeIntervalMillis: z.int().positive().optional(),
    /**
     * Repeat a call that failed during a failover, when repeating it is safe: reads, and writes the package knows
     * did not commit (refused as read-only, or no connection). Off by default. Only the calls of `db.users`,
     * `db.projects`, `db.cams` and of a session; never `db.transaction()`, whose work may do more than its queries.
     */
    failoverRetry: z
      .strictObject({
        /** Stop repeating this long after the first attempt failed. Default 15,000 ms. */
        withinMillis: z.int().positive().max(300_000).default(15_000),
        /** The wait before the first repeat; it doubles up to 1,000 ms. Default 100 ms. */
        delayMillis: z.int().positive().max(10_000).default(100),
      })
      .optional(),
  })
  .refine((options) => (options.replicaProbeIntervalMillis ?? 0) < options.maxReplicaLagMillis, {
    message: 'replicaProbeIntervalMillis must be less than maxReplicaLagMillis, or no replica would ever be fresh enough',
    path: ['replicaProbeIntervalMillis'],
  });

export type ConnectOptions = z.input<typeof connectOptionsSchema>;
export type ResolvedConnectOptions = z.output<typeof connectOptionsSchema>;

export function resolveConnectOptions(options: ConnectOptions = {}): ResolvedConnectOptions & { url: string } {
  const parsed = parseOptions(connectOptionsSchema, options, 'connect()');
  const url = parsed.url ?? process.env.DATABASE_URL;
  if (!url) {
    throw new ConfigurationError('No database URL: pass connect({ url }) or set DATABASE_URL');
  }
  return { ...parsed, url };
}
