import type { EntityManager } from '@mikro-orm/postgresql';
import { ACTING_USER_POLICIES } from '../common/acting-user.ts';

/** Whether any of the package's tables in `schema` is a distributed table of Citus; never without Citus. */
export async function hasDistributedTables(em: EntityManager, schema: string): Promise<boolean> {
  const [citus] = await em.execute<{ present: boolean }[]>(`select to_regclass('pg_catalog.pg_dist_partition') is not null as "present"`);
  if (!citus?.present) return false;
  const [found] = await em.execute<{ found: boolean }[]>(
    `select exists (select from pg_catalog.pg_dist_partition d join pg_catalog.pg_class c on c.oid = d.logicalrelid
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname in ('users', 'projects', 'cams')) as "found"`,
    [schema],
  );
  return found?.found === true;
}

/**
 * The tables of `schema` that are distributed tables of Citus (all of them in a schema of schema-based sharding) and
 * have the acting-user policy; none without Citus.
 */
export async function distributedTables(em: EntityManager, schema: string): Promise<Set<string>> {
  const [citus] = await em.execute<{ present: boolean }[]>(`select to_regclass('pg_catalog.pg_dist_partition') is not null as "present"`);
  if (!citus?.present) return new Set();
  const rows = await em.execute<{ table_name: string }[]>(
    `select c.relname as table_name from pg_catalog.pg_dist_partition d join pg_catalog.pg_class c on c.oid = d.logicalrelid
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ? and exists (select from pg_catalog.pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname and p.policyname = ?)`,
    [schema, ACTING_USER_POLICIES.users.name],
  );
  return new Set(rows.map((row) => row.table_name));
}

/**
 * `statements` (of a schema diff) without the replacement of the acting-user policy of a distributed table: Citus
 * allows no subquery in a policy of a distributed table, so the migrations created the policy there in a form of its
 * own (`migrations/citus.ts`), which the entities' declaration cannot match. Any other difference stays, a missing
 * policy included.
 */
export function withoutDistributedPolicyForms(statements: string[], schema: string, distributed: Set<string>): string[] {
  const replaced = new Set(
    Object.entries(ACTING_USER_POLICIES)
      .filter(([table]) => distributed.has(table))
      .map(([table, policy]) => `policy "${policy.name}" on "${schema}"."${table}"`),
  );
  if (replaced.size === 0) return statements;
  const policyOf = (statement: string) => /^(?:drop|create) (policy "[^"]+" on "[^"]+"\."[^"]+")/.exec(statement)?.[1];
  return statements.filter((statement) => {
    const policy = policyOf(statement);
    return policy === undefined || !replaced.has(policy);
  });
}
