import type { SqlEntityManager as EntityManager } from '@mikro-orm/postgresql';
import type { StatementTable } from '../sql/statement.ts';
import { UserSchema } from '../user/user.entity.ts';

/**
 * Whether the package's tables in a schema are distributed by user on Citus (`db.distribute()`): `users` hash-distributed
 * by `id`, `projects` and `cams` by `user_id`, and the e-mail lookup `user_emails` beside them. The calls that write or
 * find a user by address then go through the lookup (`user/email-lookup.ts`); every other call sends the same statements
 * on either layout.
 *
 * Asked once per pool and schema, by the first call that needs to know (one catalog query, two on Citus), and
 * remembered: the layout changes only by `distribute()`, after which a process connected before keeps its answer until
 * it connects again (docs/scaling.md says to distribute before the services start, or to restart them after). A
 * `distribute()` run through a handle forgets the answer of that handle's pool.
 */
const layoutByPool = new WeakMap<object, Map<string, Promise<boolean>>>(); // pool (its driver options) -> schema -> answer

export function distributedByUser(em: EntityManager, table: StatementTable): Promise<boolean> {
  const pool = em.config.get('driverOptions') as object;
  let bySchema = layoutByPool.get(pool);
  if (!bySchema) layoutByPool.set(pool, (bySchema = new Map()));
  let answer = bySchema.get(table.schema);
  if (!answer) {
    const answers = bySchema;
    answer = isDistributedByUser(em, table.schema);
    // An answer that failed (a lost connection) is asked again by the next call.
    answer.catch(() => answers.delete(table.schema));
    answers.set(table.schema, answer);
  }
  return answer;
}

/** Forgets what the pool of `em` knows of the layout, after `distribute()` changed it. */
export function forgetLayout(em: EntityManager): void {
  layoutByPool.delete(em.config.get('driverOptions') as object);
}

/** Whether `users` of `schema` is hash-distributed (by `id`): only `distribute()` makes it so. Never without Citus. */
export async function isDistributedByUser(em: EntityManager, schema: string): Promise<boolean> {
  const [citus] = await em.execute<{ present: boolean }[]>(`select to_regclass('pg_catalog.pg_dist_partition') is not null as "present"`);
  if (!citus?.present) return false;
  const [row] = await em.execute<{ distributed: boolean }[]>(
    `select exists (select from pg_catalog.pg_dist_partition d join pg_catalog.pg_class c on c.oid = d.logicalrelid
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname = ? and d.partmethod = 'h') as "distributed"`,
    [schema, UserSchema.tableName],
  );
  return row?.distributed === true;
}
