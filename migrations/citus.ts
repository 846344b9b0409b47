/**
 * Statements that Citus refuses on its distributed tables, and what runs there instead. With schema-based sharding
 * (`citus.enable_schema_based_sharding`) every table created in a new schema is a distributed table at once, so the
 * migrations meet these limits in such a schema. Without Citus (no `pg_dist_partition`), `statement` always runs.
 */
function byDistribution(table: string, statement: string, onDistributed: string | undefined): string {
  const quote = (sql: string) => `'${sql.replaceAll("'", "''")}'`;
  return `do $citus$ begin
  if to_regclass('pg_catalog.pg_dist_partition') is not null then
    if exists (select from pg_catalog.pg_dist_partition where logicalrelid = to_regclass('"${table}"')) then
      ${onDistributed === undefined ? 'return;' : `execute ${quote(onDistributed)}; return;`}
    end if;
  end if;
  execute ${quote(statement)};
end $citus$;`;
}

/**
 * `statement` (a CREATE or DROP TRIGGER) unless `table` is a distributed table of Citus, which refuses both ("triggers
 * are not supported on distributed tables") unless `citus.enable_unsafe_triggers` is on. Used for the triggers of the
 * migrations alone, each dropped by a later migration: the initial migration's `touch_updated_at`, which
 * `Migration20261203224500_timestamps_in_statements` drops (every statement of the package sets `updated_at` itself),
 * and the online path's `cams_fill_user_id`, which `Migration20261204090000_cam_owners` drops. A distributed table never
 * had them, so skipping them there leaves the same tables once the migrations have run.
 */
export function unlessDistributed(table: string, statement: string): string {
  return byDistribution(table, statement, undefined);
}

/**
 * `statement`, or `onDistributed` where `table` is a distributed table of Citus: for a row-level security policy,
 * whose expression Citus cannot propagate to the shards when it holds a subquery ("unexpected non-SELECT command in
 * SubLink"), and where a function reading another table would be a distributed query nested in a shard's query.
 */
export function orOnDistributed(table: string, statement: string, onDistributed: string): string {
  return byDistribution(table, statement, onDistributed);
}
