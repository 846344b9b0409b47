import type { EntityName, MetadataStorage } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ConfigurationError } from './errors.ts';

/** Where the package's tables live unless told otherwise: existing installations keep working as they are. */
export const DEFAULT_SCHEMA = 'public';

/**
 * A PostgreSQL schema name the package can own: a plain lower-case identifier, so it never needs quoting rules of
 * its own and reads the same in `psql`. `pg_` names are reserved by PostgreSQL.
 */
export const schemaNameSchema = z
  .string()
  .max(63, 'a PostgreSQL identifier has at most 63 bytes')
  .regex(/^[a-z_][a-z0-9_]*$/, 'a schema name is lower-case letters, digits and _, not starting with a digit')
  .refine((name) => !name.startsWith('pg_'), 'schema names starting with pg_ are reserved by PostgreSQL');

/** `name` when it is a schema name the package can own; a `ConfigurationError` saying why not otherwise. */
export function checkedSchemaName(name: unknown): string {
  const parsed = schemaNameSchema.safeParse(name);
  if (!parsed.success) {
    throw new ConfigurationError(`Invalid schema name ${JSON.stringify(name)}: ${parsed.error.issues[0]!.message}`, { cause: parsed.error });
  }
  return parsed.data;
}

const schemas = new WeakMap<MetadataStorage, string>();

/**
 * The PostgreSQL schema holding the package's tables in an ORM: the one its metadata was placed in, else the ORM's
 * default schema, else `public`. Every statement names it, so none depends on `search_path`.
 */
export function schemaOf(metadata: MetadataStorage, entity: EntityName, defaultSchema: string | undefined): string {
  let schema = schemas.get(metadata);
  if (schema === undefined) {
    const placed = metadata.find(entity)?.schema;
    schema = placed && placed !== '*' ? placed : (defaultSchema ?? DEFAULT_SCHEMA);
    schemas.set(metadata, schema);
  }
  return schema;
}
