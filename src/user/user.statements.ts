/**
 * The SQL statements on `users`, each built once with Kysely against the entity-derived tables (`sql/statement.ts`);
 * `UserRepository` runs them. Their SQL, as sent, is committed beside this file (`user.statements.sql`).
 */
import { sql, type Expression, type ExpressionBuilder, type OnConflictDatabase, type OnConflictTables, type SelectQueryBuilder } from 'kysely';
import type { Tables } from '../entities.ts';
import { projectWithCamsColumns } from '../project/project.projections.ts';
import type { ProjectWithCamsDto } from '../project/project.schemas.ts';
import { isoTimestamp, isoTimestampInReturning, jsonArrayOr, jsonObject, selection, type TimestampFormat } from '../sql/expressions.ts';
import { Statement, StatementVariants } from '../sql/statement.ts';
import type { UserDto, UserWithProjectsDto } from './user.schemas.ts';

/** A `UserDto` over `users`, with unqualified columns. */
function userColumns(eb: ExpressionBuilder<Tables, 'users'>, timestamp: TimestampFormat = isoTimestamp) {
  return {
    id: eb.ref('id'),
    email: eb.ref('email'),
    subscriptionStatus: eb.ref('subscription_status').$castTo<UserDto['subscriptionStatus']>(),
    createdAt: timestamp(eb.ref('created_at')),
    updatedAt: timestamp(eb.ref('updated_at')),
  };
}

/**
 * `lower(email)`: the expression of the unique index, so every lookup by address is served by it; the e-mail lookup
 * of a distributed installation holds addresses in the same form (`user-email.statements.ts`).
 */
export function lowerEmail(email: Expression<string | null>) {
  return sql<string>`lower(${email})`;
}

type UpsertParams = { id: string; email: string; subscriptionStatus?: string };

/** The first key of the advisory lock that serialises upserts of one user id: 'ecpu' as four bytes. */
const USER_UPSERT_LOCK = 1701015669;

/**
 * Inserts the user, or updates the address and status it already has, and returns the row as stored, in one
 * statement. Concurrent calls with the same id (a webhook delivered twice at once) must each return the user:
 * - The row comes from the conflict branch's own update, which PostgreSQL applies to the latest committed version
 *   after waiting for any concurrent writer of it. The update always runs, also when nothing changed (it rewrites the
 *   row in place with the same values and keeps `updated_at`): a read of the row in the same statement would see the
 *   statement's snapshot, which misses a row committed by a concurrent call while this one waited.
 * - A transaction-scoped advisory lock on the id, taken before the row is formed, queues calls for one id: two inserts
 *   of the same new user at the same moment would otherwise both pass the check on `id`, and the second would fail
 *   on the unique address index (checked as the row's index entries are written) instead of taking the update.
 * Only a different user holding the address makes the call fail (`users_email_lower_unique`).
 * Without a status, a new user gets the column's default and an existing one keeps theirs.
 */
const upsertUser = new StatementVariants<boolean, UpsertParams, UserDto>(
  ({ db, schema, param }, withStatus) =>
    db
      .insertInto('users')
      .columns(withStatus ? ['id', 'email', 'subscription_status', 'updated_at'] : ['id', 'email', 'updated_at'])
      .expression(
        db
          .selectFrom(sql`pg_advisory_xact_lock(${sql.lit(USER_UPSERT_LOCK)}, hashtext(${param('id')}))`.as('serialized'))
          .select([
            sql<string>`${param('id')}::varchar`.as('id'),
            sql<string>`${param('email')}::varchar`.as('email'),
            ...(withStatus ? [sql<string>`${param('subscriptionStatus')}::varchar`.as('subscription_status')] : []),
            sql<Date>`now()`.as('updated_at'),
          ]),
      )
      .onConflict((conflict) => conflict.column('id').doUpdateSet((eb) => updatedOnConflict(eb, withStatus)))
      .returning((eb) => selection(userColumns(eb, isoTimestampInReturning(schema)))),
  { actingAs: { user: 'id' }, examples: [false, true] },
);

/** What an upsert of an existing user changes: the address, the status when given, `updated_at` when either changed. */
function updatedOnConflict(eb: ExpressionBuilder<OnConflictDatabase<Tables, 'users'>, OnConflictTables<'users'>>, withStatus: boolean) {
  const changed = withStatus
    ? eb(eb.refTuple('users.email', 'users.subscription_status'), 'is distinct from', eb.refTuple('excluded.email', 'excluded.subscription_status'))
    : eb('users.email', 'is distinct from', eb.ref('excluded.email'));
  // The new row's now(), not now() itself: distributed PostgreSQL allows no function that is not immutable here.
  return {
    email: eb.ref('excluded.email'),
    ...(withStatus && { subscription_status: eb.ref('excluded.subscription_status') }),
    updated_at: sql<Date>`case when ${changed} then ${eb.ref('excluded.updated_at')} else ${eb.ref('users.updated_at')} end`,
  };
}

/**
 * The upsert where the tables are distributed by user (`user-emails.ts`), after `lockUser`: an INSERT ... VALUES, which
 * Citus sends to the user's worker as it is (a router plan); the advisory lock is a statement of its own there.
 */
const upsertUserRow = new StatementVariants<boolean, UpsertParams, UserDto>(
  ({ db, schema, param }, withStatus) =>
    db
      .insertInto('users')
      .values({
        id: param('id'),
        email: param('email'),
        ...(withStatus && { subscription_status: sql<string>`${param('subscriptionStatus')}::varchar` }),
        updated_at: sql<Date>`now()`,
      })
      .onConflict((conflict) => conflict.column('id').doUpdateSet((eb) => updatedOnConflict(eb, withStatus)))
      .returning((eb) => selection(userColumns(eb, isoTimestampInReturning(schema)))),
  { actingAs: { user: 'id' }, examples: [false, true] },
);

/**
 * Queues the writes of one user id until the transaction ends: the upsert's lock, taken alone where the tables are
 * distributed by user (a statement naming no table, which Citus runs on the coordinator every call goes through).
 */
const lockUser = new Statement<{ id: string }, { locked: unknown }>(({ db, param }) =>
  db.selectNoFrom(sql`pg_advisory_xact_lock(${sql.lit(USER_UPSERT_LOCK)}, hashtext(${param('id')}))`.as('locked')),
  { actingAs: { user: 'id' } },
);

const findById = new Statement<{ id: string }, UserDto>(({ db, param }) =>
  db
    .selectFrom('users')
    .select((eb) => selection(userColumns(eb)))
    .where('users.id', '=', param('id')),
  { actingAs: { user: 'id' } },
);

const findByEmail = new Statement<{ email: string }, UserDto>(({ db, param }) =>
  db
    .selectFrom('users')
    .select((eb) => selection(userColumns(eb)))
    .where((eb) => eb(lowerEmail(eb.ref('users.email')), '=', lowerEmail(param('email')))),
  { actingAs: { email: 'email' } },
);

/** A field left out is a null parameter that keeps the stored value. */
const updateUser = new Statement<{ id: string; email: string | null; subscriptionStatus: string | null }, UserDto>(({ db, schema, param }) =>
  db
    .updateTable('users')
    .set((eb) => ({
      email: sql`coalesce(${param('email')}, ${eb.ref('users.email')})`,
      subscription_status: sql`coalesce(${param('subscriptionStatus')}, ${eb.ref('users.subscription_status')})`,
      updated_at: sql<Date>`now()`,
    }))
    .where('users.id', '=', param('id'))
    .returning((eb) => selection(userColumns(eb, isoTimestampInReturning(schema)))),
  { actingAs: { user: 'id' } },
);

/**
 * Its projects and their cams go with it (ON DELETE CASCADE). Asked for, it also returns the ids of those projects:
 * a subquery in RETURNING sees the rows as they were before the statement.
 */
const deleteUser = new StatementVariants<boolean, { id: string }, { id: string; email: string; projectIds: number[] }>(
  ({ db, param }, withProjectIds) =>
    db
      .deleteFrom('users')
      .where('users.id', '=', param('id'))
      .returning((eb) => [
        'users.id',
        'users.email',
        withProjectIds
          ? sql<number[]>`array(${eb.selectFrom('projects').select('projects.id').where('projects.user_id', '=', param('id'))})`.as('projectIds')
          : sql<number[]>`'{}'::int[]`.as('projectIds'),
      ]),
  { actingAs: { user: 'id' }, examples: [false, true] },
);

/** The user, its projects (oldest first) and their cams, as one statement whatever their number. */
const findWithProjectsByEmail = new Statement<{ email: string }, UserWithProjectsDto>(({ db, param }) =>
  withProjects(db.selectFrom('users'), (eb) => eb.ref('users.id')).where((eb) => eb(lowerEmail(eb.ref('users.email')), '=', lowerEmail(param('email')))),
  { actingAs: { email: 'email' } },
);

/**
 * The same by id, where the tables are distributed by user (after the e-mail lookup): every table is filtered by the
 * id itself, so Citus sends the whole statement to the user's worker (a router plan).
 */
const findWithProjectsById = new Statement<{ id: string }, UserWithProjectsDto>(({ db, param }) =>
  withProjects(db.selectFrom('users'), () => param('id')).where('users.id', '=', param('id')),
  { actingAs: { user: 'id' } },
);

/** Selects the user and, as `projects`, its projects with their cams; `userId` names the owner in the subqueries. */
function withProjects(users: SelectQueryBuilder<Tables, 'users', object>, userId: (eb: ExpressionBuilder<Tables, 'users'>) => Expression<string>) {
  return users.select((eb) => [
    ...selection(userColumns(eb)),
    jsonArrayOr<ProjectWithCamsDto>(
      eb
        .selectFrom('projects')
        .select((projects) =>
          sql<ProjectWithCamsDto[]>`json_agg(${jsonObject(projectWithCamsColumns(projects, userId(eb), projects.ref('projects.id')))} order by ${projects.ref('projects.created_at')}, ${projects.ref('projects.id')})`.as(
            'projects',
          ),
        )
        .where('projects.user_id', '=', userId(eb)),
    ).as('projects'),
  ]);
}

/** Every statement of `UserRepository`, by name: `npm run sql:generate` writes their SQL to `user.statements.sql`. */
export const USER_STATEMENTS = { upsertUser, upsertUserRow, lockUser, findById, findByEmail, updateUser, deleteUser, findWithProjectsByEmail, findWithProjectsById };
