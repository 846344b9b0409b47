import { defineEntity, p } from '@mikro-orm/postgresql';

/** A host application's own user: the same class name, entity name and table name as the package's. */
export class User {
  id!: number;
  login!: string;
}

export const UserSchema = defineEntity({
  name: 'User',
  class: User,
  tableName: 'users',
  properties: { id: p.integer().primary().autoincrement(), login: p.string().unique() },
});
