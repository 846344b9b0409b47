import { Cascade, defineEntity, p, type PolicyDef } from '@mikro-orm/core';
import { ACTING_USER_POLICIES } from '../common/acting-user.ts';
import { UserRepository } from './user.repository.ts';
import { timestampProperties } from '../common/timestamps.ts';
import { Project } from '../project/project.entity.ts';

export const UserSchema = defineEntity({
  name: 'EngineCamProUser',
  // Placed per ORM by `connect({ schema })` or `placeInSchema()`; the wildcard lets a host have a `users` table of its own.
  schema: '*',
  repository: () => UserRepository,
  tableName: 'users',
  // Deny by default: only the acting user's rows, for any role that neither owns the table nor bypasses row-level security.
  rowLevelSecurity: true,
  policies: [ACTING_USER_POLICIES.users as PolicyDef],
  // One unique index on lower(email) makes `Test@Example.com` and `test@example.com` the same address and serves
  // every lookup by email; a second, case-sensitive unique index would only cost writes.
  // Built from the table MikroORM hands in, so it names the schema the entity is placed in.
  uniques: [
    {
      name: 'users_email_lower_unique',
      expression: (columns, table, name) => `create unique index "${name}" on ${table} (lower(${columns.email}))`,
    },
  ],
  properties: {
    id: p.string().length(255).primary(),
    email: p.string().length(255),
    subscriptionStatus: p.string().length(50).default('free'),
    projects: () => p.oneToMany(Project).mappedBy('user').cascade(Cascade.PERSIST, Cascade.REMOVE).orphanRemoval(),
    ...timestampProperties,
  },
});

/**
 * Named `EngineCamProUser` inside MikroORM (entity name and class name), so a host application's own `User` entity
 * keeps its name: MikroORM resolves string entity names by class name.
 */
class EngineCamProUser extends UserSchema.class {}

UserSchema.setClass(EngineCamProUser);

export { EngineCamProUser as User };
