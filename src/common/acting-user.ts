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
