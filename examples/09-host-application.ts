/**
 * 9. Embedding the package in an application that already has its own `User` entity, its own `users` table and its
 * own MikroORM migrations. The package's tables go to a PostgreSQL schema of their own, its entities sit beside the
 * application's in one MikroORM, both sets of migrations run at start-up, and one transaction spans both.
 *
 *   npm run example -- host-application
 */
import { Migration, Migrator } from '@mikro-orm/migrations';
import { defineEntity, MikroORM, p } from '@mikro-orm/postgresql';
import { Database, entities, migrate, MIGRATIONS_TABLE, placeInSchema, projects, User as CamUser, users } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';

// The application's own user: same class name, same entity name, same table name as the package's.
class User {
  id!: number;
  login!: string;
  camUserId!: string;
}
const UserSchema = defineEntity({
  name: 'User',
  class: User,
  tableName: 'users',
  properties: { id: p.integer().primary().autoincrement(), login: p.string().unique(), camUserId: p.string().unique() },
});

// The application's own migration, applied by MikroORM's migrator and recorded in its `mikro_orm_migrations`.
class CreateUsers extends Migration {
  override up(): void {
    this.addSql('create table users (id serial primary key, login varchar(255) not null unique, cam_user_id varchar(255) not null unique)');
  }
}

const database = await exampleDatabase();
const orm = new MikroORM({
  clientUrl: database.url,
  ensureDatabase: false,
  // Our entities next to the application's. `placeInSchema` puts ours in the `enginecampro` schema, in this ORM only.
  entities: [UserSchema, ...entities],
  discovery: { onMetadata: placeInSchema('enginecampro') },
  extensions: [Migrator],
  // The list in code, and no schema snapshot file written next to it: this example leaves no files behind.
  migrations: { migrationsList: [{ name: 'CreateUsers', class: CreateUsers }], snapshot: false, snapshotOnMigrate: false },
  // Our migration history is not an entity: keep the application's schema diff from proposing to drop it.
  schemaGenerator: { skipTables: [MIGRATIONS_TABLE] },
});
try {
  // At start-up, the application's migrations and ours, each with its own history. Ours create the schema, run under
  // a lock (several instances may start at once) and never touch the application's `users`.
  await orm.migrator.up();
  const applied = await migrate(orm);
  console.log(`migrated: the application's CreateUsers, and the package's ${applied.join(', ')} into "enginecampro"`);

  // One transaction: a row of the application's users table and the package's user, project and cam.
  await orm.em.fork().transactional(async (em) => {
    em.create(User, { login: 'alice', camUserId: 'cam_alice' });
    await users.upsert(em, { id: 'cam_alice', email: 'alice@example.com' });
    const project = await projects.create(em, 'cam_alice', { name: 'Street build' });
    console.log(`created project ${project.id} for alice in the same transaction as her login`);
  });

  // `User` means the application's entity, in code and by name; the package's is `CamUser` here.
  const em = orm.em.fork();
  const alice = await em.findOneOrFail(User, { login: 'alice' });
  const camUser = await em.findOneOrFail(CamUser, alice.camUserId, { populate: ['projects'] });
  console.log(`application user ${alice.login} -> package user ${camUser.email} with ${camUser.projects.length} project`);

  // `new Database(orm)` gives the bound services (db.users, db.projects, db.cams, db.transaction) over the same ORM.
  const db = new Database(orm);
  const report = await db.checkConnection();
  console.log(`schema ${report.schema}: tables present ${report.tablesPresent}, pending migrations ${report.pendingMigrations.length}`);
  const tables = await em.execute<{ table: string }[]>(
    `select table_schema || '.' || table_name as "table" from information_schema.tables
      where table_schema in ('public', 'enginecampro') order by 1`,
  );
  console.log(`tables: ${tables.map((row) => row.table).join(', ')}`);
} finally {
  await orm.close();
  await database.stop();
}
