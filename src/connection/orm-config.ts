import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { entities, placeInSchema } from '../entities.ts';
import { MIGRATIONS_TABLE } from '../migrator/migration-history.ts';
import { resolveConnectOptions, type ConnectOptions } from './connect-options.ts';
import { parseDatabaseUrl, type HostAddress, type TargetSessionAttrs } from './database-url.ts';
import { sameHost, type HostPlan } from './host-selector.ts';
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
export function createOrmConfig(options: ConnectOptions = {}, connections = new PoolConnections(connectionLimits(options), primaryHostPlan(options))): Options {
  const resolved = resolveConnectOptions(options);
  const url = parseDatabaseUrl(resolved.url);
  // The first host: where every connection goes when the pool does not choose among hosts (`connections.Client` does).
  const [first] = resolved.hosts ?? url.hosts;
  const log = resolved.logger ?? console.log;
  return defineConfig({
    entities: [...entities],
    discovery: { onMetadata: placeInSchema(resolved.schema) },
    contextName: CONTEXT_NAME,
    // Never CREATE DATABASE on the caller's behalf: it needs rights a service should not have and fails through poolers.
    ensureDatabase: false,
    host: first!.host,
    port: first!.port,
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

/** What each connection of the pool enforces, and whether it prepares statements, from the `connect()` options. */
export function connectionLimits(options: ConnectOptions = {}): ConnectionLimits {
  const { connectTimeoutMillis, statementTimeoutMillis, idleInTransactionTimeoutMillis, preparedStatements } = resolveConnectOptions(options);
  return { connectTimeoutMillis, statementTimeoutMillis, idleInTransactionTimeoutMillis, preparedStatements };
}

/** The hosts one server's options name (`hosts`, else the URL's), and its `target_session_attrs` if it sets one. */
function serverHosts(url: string, hosts: HostAddress[] | undefined, attrs: TargetSessionAttrs | undefined): { hosts: HostAddress[]; attrs: TargetSessionAttrs | undefined } {
  const parsed = parseDatabaseUrl(url);
  return { hosts: hosts ?? parsed.hosts, attrs: attrs ?? parsed.targetSessionAttrs };
}

function replicaHosts(replica: ResolvedReplica): { hosts: HostAddress[]; attrs: TargetSessionAttrs | undefined } {
  return typeof replica === 'string' ? serverHosts(replica, undefined, undefined) : serverHosts(replica.url, replica.hosts, replica.targetSessionAttrs);
}

type ResolvedReplica = ReturnType<typeof resolveConnectOptions>['replicas'][number];

/**
 * Where the primary's connections go: its own hosts first, then the replicas' (after a failover one of them is the
 * primary), each once. A server must take writes (`read-write`) whenever there is more than one host to choose
 * among, so that a demoted primary that still accepts connections is left behind; with one host, `any`, unchecked,
 * unless `targetSessionAttrs` (or the URL's `target_session_attrs`) says otherwise.
 */
export function primaryHostPlan(options: ConnectOptions = {}): HostPlan {
  const resolved = resolveConnectOptions(options);
  const own = serverHosts(resolved.url, resolved.hosts, resolved.targetSessionAttrs);
  const hosts = distinct([...own.hosts, ...resolved.replicas.flatMap((replica) => replicaHosts(replica).hosts)]);
  return { hosts, targetSessionAttrs: own.attrs ?? (hosts.length > 1 ? 'read-write' : 'any') };
}

/**
 * Where the connections of replica `index` go: its own hosts first, then the primary's and the other replicas' (after
 * a failover the former primary is a standby), each once. A server must be a standby whenever there is more than one
 * host, so that a replica promoted to primary stops serving as a replica.
 */
export function replicaHostPlan(options: ConnectOptions, index: number): HostPlan {
  const resolved = resolveConnectOptions(options);
  const own = replicaHosts(resolved.replicas[index]!);
  const others = [
    serverHosts(resolved.url, resolved.hosts, undefined).hosts,
    ...resolved.replicas.filter((_, other) => other !== index).map((replica) => replicaHosts(replica).hosts),
  ].flat();
  const hosts = distinct([...own.hosts, ...others]);
  return { hosts, targetSessionAttrs: own.attrs ?? (hosts.length > 1 ? 'standby' : 'any') };
}

function distinct(hosts: HostAddress[]): HostAddress[] {
  return hosts.filter((host, index) => hosts.findIndex((other) => sameHost(other, host)) === index);
}
