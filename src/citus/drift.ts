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
  // A diff names the table with its schema, or without it in `public`.
  const policyOf = (statement: string) => {
    const found = /^(?:drop|create) policy ("[^"]+") on (?:"[^"]+"\.)?("[^"]+")/.exec(statement);
    return found && `policy ${found[1]} on "${schema}".${found[2]}`;
  };
  return statements.filter((statement) => {
    const policy = policyOf(statement);
    return !policy || !replaced.has(policy);
  });
}

/**
 * The keys of the layout distributed by user (`distribute()`), as `pg_get_constraintdef()` prints them: what the
 * entities' declaration cannot match (it declares the single-server keys), checked here instead.
 */
const DISTRIBUTED_KEYS: Record<string, { table: string; definition: string }> = {
  projects_pkey: { table: 'projects', definition: 'PRIMARY KEY (user_id, id)' },
  cams_pkey: { table: 'cams', definition: 'PRIMARY KEY (user_id, id)' },
  cams_project_id_foreign: { table: 'cams', definition: 'FOREIGN KEY (user_id, project_id) REFERENCES projects(user_id, id) ON DELETE CASCADE' },
  user_emails_pkey: { table: 'user_emails', definition: 'PRIMARY KEY (email)' },
};

/** The statements of a schema diff that would undo `distribute()`: its keys, the address index it replaced, its policies. */
const UNDOES_DISTRIBUTION = [
  /^create unique index "users_email_lower_unique" on /,
  /^alter table (?:"[^"]+"\.)?"(?:projects|cams)" drop constraint "(?:projects_pkey|cams_pkey|cams_project_id_foreign)"/,
  /^alter table (?:"[^"]+"\.)?"(?:projects|cams)" add primary key \("id"\)/,
  /^alter table (?:"[^"]+"\.)?"cams" add constraint "cams_project_id_foreign" foreign key \("project_id"\)/,
];

/**
 * `statements` (of a schema diff) where the tables are distributed by user, without what would undo `distribute()`;
 * instead, each key of that layout that is missing or differs is reported as a line of drift of its own.
 */
export async function withoutDistributedLayout(em: EntityManager, statements: string[], schema: string): Promise<string[]> {
  const rows = await em.execute<{ name: string; definition: string }[]>(
    `select con.conname as name, pg_catalog.pg_get_constraintdef(con.oid) as definition from pg_catalog.pg_constraint con
     join pg_catalog.pg_class c on c.oid = con.conrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ? and con.conname in (?)`,
    [schema, Object.keys(DISTRIBUTED_KEYS)],
  );
  // Without the schema of the referenced table, and valid or not: `distribute({ online: true })` adds the foreign keys
  // NOT VALID (checked for every new row; the rows before were made consistent in the same transaction).
  const found = new Map(rows.map((row) => [row.name, row.definition.replace(/(?<=REFERENCES )\S+\.(?=projects\()/, '').replace(/ NOT VALID$/, '')]));
  const keys = Object.entries(DISTRIBUTED_KEYS)
    .filter(([name, { definition }]) => found.get(name) !== definition)
    .map(([name, { table, definition }]) => `alter table "${schema}"."${table}" add constraint "${name}" ${definition.toLowerCase()}; -- as distribute() made it`);
  return [...statements.filter((statement) => !UNDOES_DISTRIBUTION.some((pattern) => pattern.test(statement))), ...keys];
}
