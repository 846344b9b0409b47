import { defineEntity, p } from '@mikro-orm/core';

/**
 * The e-mail lookup of an installation distributed by user on Citus (`db.distribute()`): each address (lower case)
 * with the id of the user holding it, distributed by the address. `users` is then distributed by `id`, where a unique
 * index on `lower(email)` cannot exist (Citus enforces uniqueness per shard, by the distribution column): the lookup's
 * primary key keeps addresses unique across the cluster, and a lookup by address asks one shard of it, then the user's.
 *
 * Not one of the package's entities (`entities`): only `distribute()` creates the table, and only the statements of
 * `user-email.statements.ts` use it; declared here so that its table and columns are named in one place and typed.
 */
export const UserEmailSchema = defineEntity({
  name: 'EngineCamProUserEmail',
  schema: '*',
  tableName: 'user_emails',
  properties: {
    email: p.string().length(255).primary(),
    userId: p.string().length(255).fieldName('user_id'),
  },
});
