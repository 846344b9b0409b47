/**
 * Who a statement acts for, as PostgreSQL sees it: transaction settings that the row-level security policies of the
 * package's tables compare rows with. Each statement of the package sets them for its own transaction only
 * (`set_config(name, value, true)`), so nothing outlives it and transaction poolers stay safe.
 */

/** The id of the user the statement acts for: every call that takes a user id. */
export const ACTING_USER_SETTING = 'enginecampro.acting_user';

/** The e-mail address (lower case) of the user the statement acts for: the calls that find a user by address. */
export const ACTING_EMAIL_SETTING = 'enginecampro.acting_email';

/**
 * The settings as SQL for a policy: read once per statement (a sub-select is an init plan, not a call per row), and
 * null when never set or set empty (`current_setting(name, true)` returns '' once a session has seen the setting).
 */
export const ACTING_USER = `(select nullif(current_setting('${ACTING_USER_SETTING}', true), ''))`;
export const ACTING_EMAIL = `(select nullif(current_setting('${ACTING_EMAIL_SETTING}', true), ''))`;

/**
 * The row-level security policy of each table, as the entities declare it and the migrations created it: a role that
 * neither owns the tables nor has BYPASSRLS reads and writes only the rows of the user a statement acts for, and no
 * row when none is set. A call that finds a user by address acts for that address: the user's row, and that user's
 * projects and cams (found by an init plan that runs only then).
 */
const ownerByEmail = `(${ACTING_EMAIL} is not null and user_id = (select id from users where lower(email) = ${ACTING_EMAIL}))`;

export const ACTING_USER_POLICIES = {
  users: { name: 'enginecampro_acting_user', using: `id = ${ACTING_USER} or lower(email) = ${ACTING_EMAIL}`, check: `id = ${ACTING_USER}` },
  projects: { name: 'enginecampro_acting_user', using: `user_id = ${ACTING_USER} or ${ownerByEmail}`, check: `user_id = ${ACTING_USER}` },
  cams: { name: 'enginecampro_acting_user', using: `user_id = ${ACTING_USER} or ${ownerByEmail}`, check: `user_id = ${ACTING_USER}` },
} as const;

/**
 * The same policies where the tables are distributed tables of Citus, which allows no subquery in a policy: the
 * settings are read directly (they are STABLE), and a user's projects and cams are not readable by the acting e-mail
 * address. The migrations create these in a schema of schema-based sharding, `distribute()` where it distributes by user.
 */
const ACTING_USER_DIRECT = `nullif(current_setting('${ACTING_USER_SETTING}', true), '')`;
const ACTING_EMAIL_DIRECT = `nullif(current_setting('${ACTING_EMAIL_SETTING}', true), '')`;

export const ACTING_USER_POLICIES_ON_CITUS = {
  users: { name: 'enginecampro_acting_user', using: `id = ${ACTING_USER_DIRECT} or lower(email) = ${ACTING_EMAIL_DIRECT}`, check: `id = ${ACTING_USER_DIRECT}` },
  projects: { name: 'enginecampro_acting_user', using: `user_id = ${ACTING_USER_DIRECT}`, check: `user_id = ${ACTING_USER_DIRECT}` },
  cams: { name: 'enginecampro_acting_user', using: `user_id = ${ACTING_USER_DIRECT}`, check: `user_id = ${ACTING_USER_DIRECT}` },
} as const;

/**
 * The policy that lets a granted role see every row: a role for which the package's statements alone enforce
 * ownership, as they do for the tables' owner (`migrate({ grantTo })` without `enforceOwnership`). Permissive policies
 * add up, so the acting-user policies no longer restrict it; its statements carry no acting user.
 */
export const ALL_ROWS_POLICY = 'enginecampro_all_rows';

/**
 * SQL asking whether the acting user restricts the session's rows of a table (named by the parameter `table`):
 * row-level security applies to the role, and no all-rows policy covers it. Null when the table does not exist.
 */
export function actingUserRestricts(table: string): string {
  return (
    `row_security_active(to_regclass(${table})) and not exists (select from pg_catalog.pg_policy p ` +
    `where p.polrelid = to_regclass(${table}) and p.polname = '${ALL_ROWS_POLICY}' ` +
    `and exists (select from unnest(p.polroles) as r(role) where r.role = 0 or pg_has_role(r.role, 'USAGE')))`
  );
}
