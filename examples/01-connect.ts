/**
 * 1. Connect: open the database, apply the bundled migrations, check the connection, list the tables.
 *
 *   npm run example -- connect
 */
import { connect } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';

const database = await exampleDatabase();

// connect() only opens a pool: nothing is sent until the first query, so it never fails for an unreachable
// server. It does fail at once, with a ConfigurationError, for a URL or options that cannot work.
// The defaults suit a serverless function: at most 5 connections, none kept when idle, and a 5 s connect timeout.
const db = connect({ url: database.url, applicationName: 'enginecampro-example' });

try {
  // Migrations ship inside the package. migrate() applies the pending ones in one transaction, under a lock, and
  // returns their names; on an up-to-date database it does nothing.
  const applied = await db.migrate();
  console.log(`migrations applied: ${applied.length ? applied.join(', ') : 'none (up to date)'}`);

  // The original "test the connection" script, as one call.
  const report = await db.checkConnection();
  console.log(`PostgreSQL ${report.serverVersion}, database "${report.database}" as "${report.user}"`);
  console.log(`round trip: ${report.latencyMillis.toFixed(2)} ms`);
  console.log(`package tables present: ${report.tablesPresent ? 'yes' : `no, missing ${report.missingTables.join(', ')}`}`);
  console.log(`pending migrations: ${report.pendingMigrations.length}`);

  // db.fork() gives a MikroORM EntityManager for anything the service functions do not cover, such as a raw query.
  const tables = await db.fork().execute<{ table_name: string }[]>(
    `select table_name from information_schema.tables where table_schema = current_schema() order by table_name`,
  );
  console.log(`tables: ${tables.map((table) => table.table_name).join(', ')}`);
} finally {
  // Close the pool before the process exits, or it keeps the process alive.
  await db.close();
  await database.stop();
}
