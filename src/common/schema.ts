import type { EntityName, MetadataStorage } from '@mikro-orm/postgresql';

const schemas = new WeakMap<MetadataStorage, string>();

/**
 * The PostgreSQL schema holding the package's tables in an ORM: the one the entity's metadata names, else the ORM's
 * default schema, else `public`. Every statement names it, so none depends on `search_path`.
 */
export function schemaOf(metadata: MetadataStorage, entity: EntityName, defaultSchema: string | undefined): string {
  let schema = schemas.get(metadata);
  if (schema === undefined) {
    schema = metadata.find(entity)?.schema ?? defaultSchema ?? 'public';
    schemas.set(metadata, schema);
  }
  return schema;
}
