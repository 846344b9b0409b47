/**
 * The statements on the e-mail lookup `user_emails`, which exists where the tables are distributed by user
 * (`user-email.entity.ts`); `UserRepository` runs them. Each names one address, so Citus sends it to the lookup's one
 * shard that holds it (a router plan). Their SQL, as sent, is committed beside this file (`user-email.statements.sql`).
 */
import { Statement } from '../sql/statement.ts';
import { lowerEmail } from './user.statements.ts';

type AddressParams = { email: string; userId: string };

/**
 * Claims the address for the user: inserts it, or keeps it when the user already holds it (locking the row either
 * way, until the transaction ends). No row comes back when another user holds it.
 */
const claimEmail = new Statement<AddressParams, { userId: string }>(({ db, param }) =>
  db
    .insertInto('user_emails')
    .values({ email: lowerEmail(param('email')), user_id: param('userId') })
    .onConflict((conflict) =>
      conflict
        .column('email')
        .doUpdateSet((eb) => ({ user_id: eb.ref('excluded.user_id') }))
        .where((eb) => eb('user_emails.user_id', '=', eb.ref('excluded.user_id'))),
    )
    .returning('user_emails.user_id as userId'),
  { actingAs: { user: 'userId' } },
);

/**
 * Gives the address up, when this user holds it and it is not `keep` (the address the user changes to, which may be
 * the same one in lower case: PostgreSQL's `lower()` decides, not the caller's).
 */
const releaseEmail = new Statement<AddressParams & { keep: string | null }, { userId: string }>(({ db, param }) =>
  db
    .deleteFrom('user_emails')
    .where('user_emails.email', '=', lowerEmail(param('email')))
    .where('user_emails.user_id', '=', param('userId'))
    .where('user_emails.email', 'is distinct from', lowerEmail(param('keep')))
    .returning('user_emails.user_id as userId'),
  { actingAs: { user: 'userId' } },
);

/** The id of the user holding the address, if any. */
const findEmailOwner = new Statement<{ email: string }, { userId: string }>(({ db, param }) =>
  db.selectFrom('user_emails').select('user_emails.user_id as userId').where('user_emails.email', '=', lowerEmail(param('email'))),
  { actingAs: { email: 'email' } },
);

/** Every statement on the lookup, by name: `npm run sql:generate` writes their SQL to `user-email.statements.sql`. */
export const USER_EMAIL_STATEMENTS = { claimEmail, releaseEmail, findEmailOwner };
