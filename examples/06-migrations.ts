/**
 * 6. Migrations at service start-up: several instances starting at once, each calling migrate(); then the status,
 * a rollback, and migrating forward again.
 *
 *   npm run example -- migrations
 */
import { connect } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';

const database = await exampleDatabase();

// Three instances of a service, each with its own pool, start together against an empty database and each calls
// migrate() before serving. Every call takes a transaction-scoped advisory lock first, so they queue: the first
// applies the migrations, the others find nothing left to do. Each migration runs exactly once.
const instances = [1, 2, 3].map(() => connect({ url: database.url, pool: { max: 2 } }));
try {
  const results = await Promise.all(instances.map((instance) => instance.migrate()));
  results.forEach((applied, index) => console.log(`instance ${index + 1} applied: ${applied.length ? applied.join(', ') : 'nothing'}`));
  const appliers = results.filter((applied) => applied.length > 0).length;
  console.log(`${appliers} instance applied the migrations, ${results.length - appliers} found nothing left to do`);

  const db = instances[0]!;
  // Status reads the history table (enginecampro_db_migrations, apart from your application's own) and writes nothing.
  const status = await db.migrationStatus();
  for (const migration of status.executed) console.log(`executed: ${migration.name} at ${migration.executedAt.toISOString()}`);
  console.log(`pending: ${status.pending.length ? status.pending.join(', ') : 'none'}`);

  // rollback() reverts the last migration (rollback({ to: name }) down to one, rollback({ to: 0 }) all of them).
  // Rolling back drops tables and their data: in production, restore a backup instead unless you know why not.
  const reverted = await db.rollback();
  console.log(`rolled back: ${reverted.join(', ')}`);
  console.log(`pending after rollback: ${(await db.migrationStatus()).pending.join(', ')}`);

  console.log(`migrated again: ${(await db.migrate()).join(', ')}`);
  const report = await db.checkConnection();
  console.log(`tables present: ${report.tablesPresent}, pending: ${report.pendingMigrations.length}`);
} finally {
  await Promise.all(instances.map((instance) => instance.close()));
  await database.stop();
}
