import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { entities, placeInSchema } from '../entities.ts';
import { MIGRATIONS_TABLE } from '../migrator/migration-history.ts';
import { resolveConnectOptions, type ConnectOptions } from './connect-options.ts';
import { parseDatabaseUrl } from './database-url.ts';
import { PoolConnections, type ConnectionLimits } from './pooled-client.ts';
import { resolveSsl } from './ssl.ts';

/**
 * The MikroORM context name of our ORM. A host application's own ORM uses the default name; keeping ours apart
 * means its `RequestContext` never hands our calls an EntityManager that does not know our entities.
 */
export const CONTEXT_NAME = 'enginecampro-db';

/**
 * The one place that turns `connect()` options into a MikroORM configuration. `connections` are the pool's client
 * class and the switch that ends them; `connect()` keeps them to close the handle.
 */
export function createOrmConfig(options: ConnectOptions = {}, connections = new PoolConnections(connectionLimits(options))): Options {
  const resolved = resolveConnectOptions(options);
  const url = parseDatabaseUrl(resolved.url);
  const log = resolved.logger ?? console.log;
  return defineConfig({
    entities: [...entities],
    discovery: { onMetadata: placeInSchema(resolved.schema) },
    contextName: CONTEXT_NAME,
    // Never CREATE DATABASE on the caller's behalf: it needs rights a service should not have and fails through poolers.
    ensureDatabase: false,
    host: url.host,
    port: url.port,
    user: url.user,
    password: url.password,
    dbName: url.database,
    pool: resolved.pool,
    driverOptions: {
      // pg's pool bounds the wait for a connection with this; each connection's own connect timeout is set by
      // `connections.Client`. Statement and idle-in-transaction timeouts are set per transaction there too: as
      // startup parameters (pg's `statement_timeout`) a transaction pooler would refuse them.
      connectionTimeoutMillis: resolved.acquireTimeoutMillis,
      Client: connections.Client,
      keepAlive: resolved.keepAlive,
      keepAliveInitialDelayMillis: resolved.keepAliveInitialDelayMillis,
      ssl: resolveSsl(resolved.ssl, url.params),
      application_name: resolved.applicationName ?? url.params.get('application_name') ?? CONTEXT_NAME,
    },
    // 'query' without 'query-params': statements are logged with placeholders, never with the values (personal data).
    debug: resolved.debug ? ['query'] : false,
    logger: (message) => log(message),
    colors: false,
    // Our migration history is not an entity, and our function (`enginecampro_iso_timestamp`) is no MikroORM routine:
    // keep the schema diff (drift checks, generated migrations) off both.
    schemaGenerator: { skipTables: [MIGRATIONS_TABLE], ignoreRoutines: true },
  });
}

/** What each connection of the pool enforces, from the `connect()` options. */
export function connectionLimits(options: ConnectOptions = {}): ConnectionLimits {
  const { connectTimeoutMillis, statementTimeoutMillis, idleInTransactionTimeoutMillis } = resolveConnectOptions(options);
  return { connectTimeoutMillis, statementTimeoutMillis, idleInTransactionTimeoutMillis };
}
