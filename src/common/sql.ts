import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { performance } from 'node:perf_hooks';
import { toDataAccessError } from './map-error.ts';

/** The slice of Kysely's public driver API we need: a connection that runs one parameterised statement. */
interface DriverConnection {
  executeQuery(query: { sql: string; parameters: readonly unknown[]; queryId: { queryId: string } }): Promise<{ rows: unknown[] }>;
}
/** A Kysely transaction, as MikroORM keeps it for an EntityManager inside `transactional()`. */
interface TransactionContext {
  getExecutor(): { provideConnection<T>(consumer: (connection: DriverConnection) => Promise<T>): Promise<T> };
}
/** The `pg.Pool` behind MikroORM's PostgreSQL connection. */
interface NativePool {
  ending: boolean;
  query(sql: string, parameters: readonly unknown[]): Promise<{ rows: unknown[] }>;
}
type Connection = ReturnType<SqlEntityManager['getConnection']>;

/** The pool of each connection, once it is open: asking MikroORM for it costs two awaits per statement. */
const pools = new WeakMap<Connection, NativePool>();

/** The open pool of `connection`, or `undefined` until MikroORM has opened it (or when it is closing). */
function openPool(connection: Connection): NativePool | undefined {
  const pool = pools.get(connection);
  // A closed ORM may reconnect with a new pool: never hand out one that is ending.
  return pool && !pool.ending ? pool : undefined;
}

async function connectPool(connection: Connection): Promise<NativePool> {
  const pool = (await connection.getNativeClient()) as NativePool;
  pools.set(connection, pool);
  return pool;
}

const QUERY_ID = { queryId: 'enginecampro-db' };

/**
 * Runs one SQL statement with bound parameters on the EntityManager's connection: inside its transaction when it has
 * one (so service calls compose with the caller's unit of work), otherwise on a pooled connection.
 *
 * `em.execute()` would inline every parameter into the SQL text and, for a 360-point profile, escape kilobytes of
 * JSON per statement; sending parameters separately is what hand-written `pg` code does, and as fast. Statements are
 * logged through MikroORM's logger like its own (with placeholders, never values).
 */
export async function runSql<Row>(em: SqlEntityManager, sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
  const logger = em.config.getLogger();
  const logging = logger.isEnabled('query');
  const started = logging ? performance.now() : 0;
  try {
    const transaction = em.getTransactionContext<TransactionContext>();
    // Outside a transaction, straight to the pool, exactly as hand-written pg code does; inside one, on its connection.
    const { rows } = transaction
      ? await transaction.getExecutor().provideConnection((connection) => connection.executeQuery({ sql, parameters, queryId: QUERY_ID }))
      : await (openPool(em.getConnection()) ?? (await connectPool(em.getConnection()))).query(sql, parameters);
    if (logging) {
      logger.logQuery({ query: sql, took: Math.round(performance.now() - started), results: rows.length, level: 'info' });
    }
    return rows as Row[];
  } catch (error) {
    if (logging) {
      logger.logQuery({ query: sql, took: Math.round(performance.now() - started), level: 'error' });
    }
    throw toDataAccessError(error);
  }
}

/**
 * Runs `work` as one unit of work: within the caller's transaction when `em` is in one, otherwise in a new one that
 * commits when `work` returns and rolls back when it throws.
 */
export function inTransaction<EM extends SqlEntityManager, T>(em: EM, work: (em: EM) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? work(em) : em.transactional(work);
}

/** A timestamp column as ISO 8601 in UTC with microseconds, the form every DTO carries. */
export function isoTimestamp(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** `expression as "key"` for each field: a select list whose rows are already DTOs. */
export function selectList(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, expression]) => `${expression} as "${key}"`)
    .join(', ');
}

/** `json_build_object('key', expression, ...)`: the same DTO as a JSON value, for nesting with `json_agg`. */
export function jsonObject(fields: Record<string, string>): string {
  return `json_build_object(${Object.entries(fields)
    .map(([key, expression]) => `'${key}', ${expression}`)
    .join(', ')})`;
}
