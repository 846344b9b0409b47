import pg from 'pg';

/** One finding of a check, in the words of Supabase's Security Advisor (its lint's name) and the object it is about. */
export interface LintFinding {
  lint: string;
  object: string;
}

/**
 * The checks Supabase's Security Advisor makes, as SQL, over the tables and functions named here (in `schemas`, which
 * the Data API may expose): RLS disabled on a table the API roles can select, a policy on a table without RLS, RLS
 * without a policy, a function without a fixed `search_path`, a view that runs as its owner, a policy that reads a
 * setting per row instead of once per statement, and any privilege of the API roles on the objects.
 */
export async function securityLints(url: string, schemas: string[], tables: string[], functions: string[]): Promise<LintFinding[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const findings: LintFinding[] = [];
    const add = (lint: string, rows: { object: string }[]) => findings.push(...rows.map(({ object }) => ({ lint, object })));
    const apiRoles = (await client.query<{ rolname: string }>(`select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role')`)).rows.map((row) => row.rolname);
    const ourTables = `c.relkind in ('r', 'p') and n.nspname = any($1) and c.relname = any($2)`;

    add('rls_disabled_in_public', (await client.query(
      `select n.nspname || '.' || c.relname as object from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where ${ourTables} and not c.relrowsecurity
          and exists (select from unnest($3::text[]) r where has_table_privilege(r, c.oid, 'SELECT'))`,
      [schemas, tables, apiRoles.filter((role) => role !== 'service_role')],
    )).rows);
    add('policy_exists_rls_disabled', (await client.query(
      `select distinct p.schemaname || '.' || p.tablename as object from pg_policies p join pg_namespace n on n.nspname = p.schemaname
        join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename where ${ourTables} and not c.relrowsecurity`,
      [schemas, tables],
    )).rows);
    add('rls_enabled_no_policy', (await client.query(
      `select n.nspname || '.' || c.relname as object from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where ${ourTables} and c.relrowsecurity and not exists (select from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname)`,
      [schemas, tables],
    )).rows);
    add('function_search_path_mutable', (await client.query(
      `select n.nspname || '.' || p.proname as object from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = any($1) and p.proname = any($2)
          and not exists (select from unnest(coalesce(p.proconfig, '{}')) setting where setting like 'search_path=%')`,
      [schemas, functions],
    )).rows);
    add('security_definer_view', (await client.query(
      `select n.nspname || '.' || c.relname as object from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'v' and n.nspname = any($1) and c.relname = any($2) and not coalesce(c.reloptions @> '{security_invoker=true}', false)`,
      [schemas, tables],
    )).rows);
    // A setting read outside a sub-select is read for every row (Supabase's auth_rls_initplan).
    const policies = await client.query<{ object: string; expression: string }>(
      `select p.schemaname || '.' || p.tablename || ' ' || p.policyname as object, coalesce(p.qual, '') || ' ' || coalesce(p.with_check, '') as expression
        from pg_policies p where p.schemaname = any($1) and p.tablename = any($2)`,
      [schemas, tables],
    );
    add('auth_rls_initplan', policies.rows.filter(({ expression }) => readsSettingPerRow(expression)));
    for (const role of apiRoles) {
      add(`${role}_privileges`, (await client.query(
        `select n.nspname || '.' || c.relname as object from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = any($1) and (c.relname = any($2) or c.oid in (select pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(t), 'id')::regclass from unnest($2::text[]) t where to_regclass(quote_ident(n.nspname) || '.' || quote_ident(t)) is not null))
            and (has_table_privilege($3, c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
              or (c.relkind = 'S' and has_sequence_privilege($3, c.oid, 'USAGE,SELECT,UPDATE')))
         union all
         select n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = any($1) and p.proname = any($4) and has_function_privilege($3, p.oid, 'EXECUTE')`,
        [schemas, tables, role, functions],
      )).rows);
    }
    return findings;
  } finally {
    await client.end();
  }
}

/** Whether a policy expression, as PostgreSQL prints it, calls `current_setting()`, `auth.uid()` or `auth.jwt()` outside a sub-select. */
function readsSettingPerRow(expression: string): boolean {
  const calls = [...expression.matchAll(/current_setting\(|auth\.uid\(\)|auth\.jwt\(\)/g)];
  return calls.some((call) => !/\(\s*SELECT\s+(\w*\(\s*)*$/i.test(expression.slice(Math.max(0, call.index - 40), call.index)));
}
