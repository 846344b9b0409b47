import { Migration } from '@mikro-orm/migrations';
import { orOnDistributed } from './citus.ts';

/** Who a statement acts for: set by the package for each statement's transaction (`src/common/acting-user.ts`). */
const ACTING_USER = `(select nullif(current_setting('enginecampro.acting_user', true), ''))`;
const ACTING_EMAIL = `(select nullif(current_setting('enginecampro.acting_email', true), ''))`;
const OWNER_BY_EMAIL = `(${ACTING_EMAIL} is not null and user_id = (select id from users where lower(email) = ${ACTING_EMAIL}))`;

const POLICIES = [
  { table: 'users', using: `id = ${ACTING_USER} or lower(email) = ${ACTING_EMAIL}`, check: `id = ${ACTING_USER}` },
  { table: 'projects', using: `user_id = ${ACTING_USER} or ${OWNER_BY_EMAIL}`, check: `user_id = ${ACTING_USER}` },
  { table: 'cams', using: `user_id = ${ACTING_USER} or ${OWNER_BY_EMAIL}`, check: `user_id = ${ACTING_USER}` },
];

/**
 * The same policies on a distributed table of Citus (a schema of schema-based sharding), which allows no subquery in
 * them: the settings are read directly (they are STABLE), and a user's projects and cams are not readable by the
 * acting e-mail address, which would need a subquery on `users` (docs/scaling.md, "A schema per tenant").
 */
const ACTING_USER_DIRECT = `nullif(current_setting('enginecampro.acting_user', true), '')`;
const ACTING_EMAIL_DIRECT = `nullif(current_setting('enginecampro.acting_email', true), '')`;
const DISTRIBUTED_POLICIES: Record<string, { using: string; check: string }> = {
  users: { using: `id = ${ACTING_USER_DIRECT} or lower(email) = ${ACTING_EMAIL_DIRECT}`, check: `id = ${ACTING_USER_DIRECT}` },
  projects: { using: `user_id = ${ACTING_USER_DIRECT}`, check: `user_id = ${ACTING_USER_DIRECT}` },
  cams: { using: `user_id = ${ACTING_USER_DIRECT}`, check: `user_id = ${ACTING_USER_DIRECT}` },
};

/**
 * Supabase's API roles (PostgREST's `anon` and `authenticated`, and `service_role`) lose every privilege on the
 * package's tables, sequences and function, whatever the database's default privileges gave them: they cannot read,
 * change or even see the tables (pg_graphql and the Data API list only what a role may select). A database without
 * those roles is left as it is.
 */
const REVOKE_FROM_API_ROLES = `do $$
declare
  api_role text;
  history regclass := to_regclass('enginecampro_db_migrations');
begin
  foreach api_role in array array['anon', 'authenticated', 'service_role'] loop
    continue when not exists (select from pg_roles where rolname = api_role);
    execute format('revoke all on table users, projects, cams from %I', api_role);
    execute format('revoke all on sequence %s, %s from %I', pg_get_serial_sequence('projects', 'id'), pg_get_serial_sequence('cams', 'id'), api_role);
    execute format('revoke all on function enginecampro_iso_timestamp(timestamptz) from %I', api_role);
    if history is not null then
      execute format('revoke all on table %s from %I', history, api_role);
      execute format('revoke all on sequence %s from %I', pg_get_serial_sequence(history::text, 'id'), api_role);
    end if;
  end loop;
end $$;`;

/**
 * Deny by default: row-level security on every table of the package, the migration history included. The tables'
 * owner (who runs the migrations) and roles with BYPASSRLS are not subject to it. Any other role, even one granted the
 * tables' privileges, reads and writes only the rows of the user a statement acts for (`enginecampro.acting_user`,
 * or `enginecampro.acting_email` for the calls that find a user by address), and no row when none is set; it may read
 * the migration history. The API roles of Supabase are left without any privilege.
 */
export class Migration20261204120000_row_level_security extends Migration {

  override name = 'Migration20261204120000_row_level_security';

  override up(): void | Promise<void> {
    for (const { table, using, check } of POLICIES) {
      this.addSql(`alter table "${table}" enable row level security;`);
      const distributed = DISTRIBUTED_POLICIES[table]!;
      this.addSql(orOnDistributed(
        table,
        `create policy "enginecampro_acting_user" on "${table}" as permissive for all to public using (${using}) with check (${check});`,
        `create policy "enginecampro_acting_user" on "${table}" as permissive for all to public using (${distributed.using}) with check (${distributed.check});`,
      ));
    }
    this.addSql(`do $$ begin if to_regclass('enginecampro_db_migrations') is not null then
      alter table "enginecampro_db_migrations" enable row level security;
      create policy "enginecampro_read_history" on "enginecampro_db_migrations" as permissive for select to public using (true);
    end if; end $$;`);
    this.addSql(REVOKE_FROM_API_ROLES);
  }

  override down(): void | Promise<void> {
    this.addSql(`do $$ begin if to_regclass('enginecampro_db_migrations') is not null then
      drop policy if exists "enginecampro_read_history" on "enginecampro_db_migrations";
      alter table "enginecampro_db_migrations" disable row level security;
    end if; end $$;`);
    for (const { table } of POLICIES) {
      this.addSql(`drop policy if exists "enginecampro_acting_user" on "${table}";`);
      this.addSql(`alter table "${table}" disable row level security;`);
    }
  }

}
