import { Cascade, defineEntity, p } from '@mikro-orm/core';
import { UserRepository } from './user.repository.ts';
import { timestampProperties, touchUpdatedAtTrigger } from '../common/timestamps.ts';
import { Project } from '../project/project.entity.ts';

export const UserSchema = defineEntity({
  name: 'User',
  repository: () => UserRepository,
  tableName: 'users',
  triggers: [touchUpdatedAtTrigger],
  // One unique index on lower(email) makes `Test@Example.com` and `test@example.com` the same address and serves
  // every lookup by email; a second, case-sensitive unique index would only cost writes.
  uniques: [{ name: 'users_email_lower_unique', expression: 'create unique index "users_email_lower_unique" on "users" (lower("email"))' }],
  properties: {
    id: p.string().length(255).primary(),
    email: p.string().length(255),
    subscriptionStatus: p.string().length(50).default('free'),
    projects: () => p.oneToMany(Project).mappedBy('user').cascade(Cascade.PERSIST, Cascade.REMOVE).orphanRemoval(),
    ...timestampProperties,
  },
});

export class User extends UserSchema.class {}

UserSchema.setClass(User);
