import type { EntityMetadata, InferKyselyDB } from '@mikro-orm/postgresql';
import { Cam, CamSchema } from './cam/cam.entity.ts';
import { checkedSchemaName } from './common/schema.ts';
import { Project, ProjectSchema } from './project/project.entity.ts';
import { UserEmailSchema } from './user/user-email.entity.ts';
import { User, UserSchema } from './user/user.entity.ts';

/** Every entity of the package. A host application adds these to its own MikroORM `entities` to embed us. */
export const entities = [User, Project, Cam] as const;

/**
 * The package's tables as Kysely sees them, inferred from the entity definitions: table names from `tableName`,
 * columns from each property's field name. Every statement is typed against this, so renaming a property or a
 * column breaks the build of each query that uses it. `user_emails` exists only where the tables are distributed by
 * user (`db.distribute()`).
 */
export type Tables = InferKyselyDB<typeof UserSchema | typeof ProjectSchema | typeof CamSchema | typeof UserEmailSchema>;

/** The package's tables, as the entity definitions name them. */
export const PACKAGE_TABLES: readonly string[] = [UserSchema, ProjectSchema, CamSchema].map((schema) => schema.tableName);

const packageClasses: ReadonlySet<unknown> = new Set(entities);

/**
 * A MikroORM `discovery.onMetadata` hook that places the package's entities in the PostgreSQL schema `schema` and
 * leaves every other entity alone. Our entities are declared in MikroORM's wildcard schema (`'*'`), so a host's own
 * `users` table never collides with ours when the ORM starts; this pins them, in that ORM only, to one real schema.
 *
 * ```ts
 * MikroORM.init({ entities: [...hostEntities, ...entities], discovery: { onMetadata: placeInSchema('enginecampro') } });
 * ```
 */
export function placeInSchema(schema: string): (meta: EntityMetadata) => void {
  const name = checkedSchemaName(schema);
  return (meta) => {
    if (packageClasses.has(meta.class)) {
      meta.schema = name;
    }
  };
}
