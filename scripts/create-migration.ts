/**
 * Generates a migration from the difference between the entities and the bundled migrations:
 *
 *   npm run migration:create -- <name>
 *
 * It applies the existing migrations to a scratch database, lets MikroORM diff that schema against the entities,
 * writes `migrations/Migration<timestamp>_<name>.ts` and appends it to `migrations/index.ts`.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connect, entities, MIGRATIONS_TABLE, placeInSchema } from '../src/index.ts';
import { databaseUrl, startPostgresServer } from '../test/support/postgres-server.ts';

const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
  console.error('usage: npm run migration:create -- <name>   (snake_case, e.g. add_cam_notes)');
  process.exit(2);
}

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));
const server = await startPostgresServer();
const scratch = `ecp_migration_create_${process.pid}`;
const admin = new pg.Client(server.adminUrl);
await admin.connect();
await admin.query(`create database ${scratch}`);
try {
  const url = databaseUrl(server.adminUrl, scratch);
  const db = connect({ url });
  await db.migrate();
  await db.close();

  const orm = new MikroORM({
    entities: [...entities],
    // Placed in the default schema, whose name MikroORM leaves out of the SQL it writes: the migration stays free of
    // any schema name and builds the tables wherever `migrate()` runs it.
    discovery: { onMetadata: placeInSchema('public') },
    clientUrl: url,
    ensureDatabase: false,
    extensions: [Migrator],
    migrations: { path: migrationsDir, emit: 'ts', snapshot: false, migrationsList: [] },
    schemaGenerator: { skipTables: [MIGRATIONS_TABLE, 'mikro_orm_migrations'] },
  });
  const result = await orm.migrator.create(migrationsDir, false, false, name);
  await orm.close();
  if (!result.fileName) {
    console.log('The entities and the migrations agree: nothing to generate.');
  } else {
    const className = result.fileName.replace(/\.ts$/, '');
    const indexPath = `${migrationsDir}/index.ts`;
    const index = await readFile(indexPath, 'utf8');
    const lastImport = index.lastIndexOf('\nimport ') + 1;
    const afterLastImport = index.indexOf('\n', lastImport) + 1;
    const updated =
      index.slice(0, afterLastImport) +
      `import { ${className} } from './${result.fileName}';\n` +
      index.slice(afterLastImport).replace(/\];\s*$/, `  { name: '${className}', class: ${className} },\n];\n`);
    await writeFile(indexPath, updated);
    console.log(`Created migrations/${result.fileName}:\n${result.diff.up.join('\n')}`);
  }
} finally {
  await admin.query(`drop database if exists ${scratch}`);
  await admin.end();
  await server.stop();
}
