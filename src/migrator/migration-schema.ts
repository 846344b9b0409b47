import type { EntityManager } from '@mikro-orm/postgresql';
import { ConfigurationError } from '../common/errors.ts';
import { checkedSchemaName, DEFAULT_SCHEMA, schemaOf } from '../common/schema.ts';
import { PACKAGE_TABLES } from '../entities.ts';
import { User } from '../user/user.entity.ts';

/**
 * The schema migrations work in. An ORM that registers our entities has already placed them (`connect({ schema })`,
 * `placeInSchema()`): its migrations must build the tables where its services will look, so a different `requested`
 * schema is refused rather than leaving the services without tables.
 */
export function schemaForMigrations(em: EntityManager, requested: string | undefined): string {
  const defaultSchema = em.config.get('schema');
  const registered = em.getMetadata().find(User) ? schemaOf(em.getMetadata(), User, defaultSchema) : undefined;
  if (requested === undefined) {
    return registered ?? defaultSchema ?? DEFAULT_SCHEMA;
  }
  const schema = checkedSchemaName(requested);
  if (registered !== undefined && registered !== schema) {
    throw new ConfigurationError(
      `This ORM places the package's entities in schema "${registered}", so its migrations cannot go to "${schema}": ` +
        `connect({ schema: '${schema}' }), or register the entities with placeInSchema('${schema}')`,
    );
  }
  return schema;
}

/**
 * Creates `schema` when missing and makes it the only target of unqualified names for the rest of the migration
 * transaction (`set local`: nothing outlives the transaction, so it is safe behind a transaction pooler). The
 * bundled migrations name no schema, so they build the package's tables, indexes and functions there.
 */
export async function enterSchema(em: EntityManager, schema: string): Promise<void> {
  const [found] = await em.execute<{ exists: boolean }[]>('select to_regnamespace(?) is not null as "exists"', [`"${schema}"`]);
  // Only when missing: CREATE SCHEMA IF NOT EXISTS needs the CREATE right on the database even for a schema that exists.
  if (!found?.exists) await em.execute(`create schema if not exists "${schema}"`);
  await em.execute(`set local search_path to "${schema}"`);
}

/**
 * Before the first migration in a schema: a table with one of our names that no migration of ours created belongs to
 * someone else (a host's own `users`). Refuse, and say how to keep the two apart.
 */
export async function refuseForeignTables(em: EntityManager, schema: string): Promise<void> {
  const found = await em.execute<{ table_name: string }[]>(
    'select table_name from information_schema.tables where table_schema = ? and table_name in (?) order by table_name',
    [schema, PACKAGE_TABLES],
  );
  if (found.length === 0) return;
  const tables = found.map((row) => `"${schema}"."${row.table_name}"`).join(', ');
  throw new ConfigurationError(
    `Cannot install the package's tables in schema "${schema}": ${tables} already ${found.length === 1 ? 'exists' : 'exist'} ` +
      `and ${found.length === 1 ? 'was' : 'were'} not created by its migrations. Give the package a schema of its own: ` +
      `connect({ schema: 'enginecampro' }), migrate(orm, { schema: 'enginecampro' }) or the CLI's --schema enginecampro ` +
      `(ENGINECAMPRO_DB_SCHEMA).`,
  );
}
