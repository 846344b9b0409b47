/**
 * 7. Supabase (and other hosted PostgreSQL): which connection string to use for what, and what to set.
 *
 *   SUPABASE_DIRECT_URL=... SUPABASE_POOLER_URL=... npm run example -- supabase
 *
 * Without those variables it runs the same code against DATABASE_URL or an embedded PostgreSQL.
 */
import { connect } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';

// Supabase gives two kinds of connection string (Project Settings > Database > Connect):
//
// - the direct connection, postgresql://postgres:[PASSWORD]@db.[REF].supabase.co:5432/postgres
//   one real session per connection: use it for migrations, which take an advisory lock and run DDL;
// - the transaction pooler (Supavisor), postgresql://postgres.[REF]:[PASSWORD]@aws-0-[REGION].pooler.supabase.com:6543/postgres
//   a connection is yours only for one transaction: use it for the application, above all from serverless
//   functions, where thousands of instances would otherwise exhaust the database's connections.
//
// Both need TLS. Append ?sslmode=require: the package reads sslmode as psql does (require encrypts, verify-full also
// checks the certificate and host name; add sslrootcert=/path/to/supabase.crt to check against Supabase's CA).
// (MikroORM on its own ignores sslmode in a URL and would connect in plain text.)
const fallback = await exampleDatabase();
const directUrl = process.env.SUPABASE_DIRECT_URL ?? fallback.url;
const poolerUrl = process.env.SUPABASE_POOLER_URL ?? fallback.url;

// Migrations over the direct connection, once per deployment (or at start-up: the lock makes that safe).
const migrator = connect({ url: directUrl, pool: { max: 1 } });
try {
  const applied = await migrator.migrate();
  console.log(`migrations over the direct connection: ${applied.length ? applied.join(', ') : 'up to date'}`);
} finally {
  await migrator.close();
}

// The application over the transaction pooler. Keep the pool small (each serverless instance handles one request
// at a time) and idle connections short-lived; the package never relies on session state, so transaction pooling
// is safe: every service call is one statement or one transaction, and migrations use transaction-scoped locks.
// A transaction pooler may lend each transaction a server connection that never saw the statements this process
// prepared on another, so the statements go unnamed, parsed at each call (over the direct connection, leave them on).
const db = connect({
  url: poolerUrl,
  pool: { max: 2, idleTimeoutMillis: 5_000 },
  connectTimeoutMillis: 5_000,
  applicationName: 'cam-designer-api',
  preparedStatements: false,
});
try {
  const report = await db.checkConnection();
  const [tls] = await db.fork().execute<{ ssl: boolean | null }[]>(`select ssl from pg_stat_ssl where pid = pg_backend_pid()`);
  console.log(`application connection: PostgreSQL ${report.serverVersion}, ${report.latencyMillis.toFixed(1)} ms round trip`);
  console.log(`encrypted: ${tls?.ssl ? 'yes' : 'no (a local server without TLS; Supabase would say yes)'}`);
  console.log(`tables present: ${report.tablesPresent}, pending migrations: ${report.pendingMigrations.length}`);
  const user = await db.users.upsert({ id: 'user_supabase', email: 'edge@example.com' });
  console.log(`a service call through the pooler: upserted ${user.id}`);
} finally {
  await db.close();
  await fallback.stop();
}
