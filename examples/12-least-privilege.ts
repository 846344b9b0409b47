/**
 * 12. Least privilege: one role owns the schema and runs the migrations, the application connects as another that
 * may only read and write rows, and, with `enforceOwnership`, the database itself keeps each user to their own rows.
 *
 *   npm run example -- least-privilege
 *
 * It creates the two roles itself, which takes a superuser: against your own server, run it with DATABASE_URL of a
 * scratch database, or without DATABASE_URL (an embedded PostgreSQL).
 */
import pg from 'pg';
import { ConfigurationError, connect } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';

const server = await exampleDatabase();
const admin = new pg.Client(server.url);
await admin.connect();

// As an administrator, once: a role that owns the package's schema, and a login role for the application. On
// Supabase the owner is `postgres`; on RDS or Cloud SQL, the master user or a role it creates (see docs/security.md).
const database = new URL(server.url).pathname.slice(1);
await admin.query(`create role cam_owner login password 'owner-secret'`);
await admin.query(`create role cam_app login password 'app-secret'`);
await admin.query(`grant create on database ${database} to cam_owner`);
const as = (role: string, password: string) => {
  const url = new URL(server.url);
  url.username = role;
  url.password = password;
  return url.toString();
};

// Deploy step, as the owner: the migrations, and what the application role may do. Run it with every deploy
// (`npx enginecampro-db migrate --grant-to cam_app --enforce-ownership`); a role granted once keeps its grants, and its
// enforcement, anyway. Without enforceOwnership the role sees every row, as the owner does, and only the package's own
// statements keep users apart: cheaper per call (docs/security.md, "What it costs"), but SQL of your own is unguarded.
const owner = connect({ url: as('cam_owner', 'owner-secret'), schema: 'cam_data' });
const app = connect({ url: as('cam_app', 'app-secret'), schema: 'cam_data' });
try {
  const applied = await owner.migrate({ grantTo: 'cam_app', enforceOwnership: true });
  console.log(`the owner applied ${applied.length} migrations and granted cam_app the rows of the tables, ownership enforced`);

  // The application, as cam_app: every service call works, bulk writes included.
  const alice = await app.users.upsert({ id: 'user_alice', email: 'alice@example.com' });
  const bob = await app.users.upsert({ id: 'user_bob', email: 'bob@example.com' });
  const project = await app.projects.create(alice.id, { name: 'Street cam' });
  const cams = Array.from({ length: 40 }, (_, index) => ({ name: `Lobe ${index}`, camType: 'intake' as const, lift: 10, duration: 250 }));
  console.log(`cam_app wrote ${(await app.cams.createMany(alice.id, project.id, cams)).length} cams for alice`);
  await app.projects.create(bob.id, { name: "Bob's build" });

  // It cannot change the schema.
  const refused = await app.fork().execute('alter table cam_data.cams add column notes text').catch((error: unknown) => error);
  console.log(`cam_app altering a table: ${(refused as { code?: string }).code === '42501' ? 'refused, must be the owner' : 'allowed?!'}`);

  // Enforced ownership: every statement of the package says which user it acts for, and the policies let it see and
  // change that user's rows only. SQL of your own run as cam_app sees nothing until it says who it acts for...
  const client = new pg.Client(as('cam_app', 'app-secret'));
  await client.connect();
  const count = async () => (await client.query<{ n: number }>('select count(*)::int as n from cam_data.projects')).rows[0]!.n;
  console.log(`cam_app counting all projects, acting for nobody: ${await count()}`);
  // ...and then only that user's rows, whatever the statement forgets to filter. For this transaction only:
  // nothing outlives it, so a transaction pooler never hands the setting to another client.
  await client.query('begin');
  await client.query(`select set_config('enginecampro.acting_user', 'user_bob', true)`);
  console.log(`the same count, acting for bob: ${await count()}`);
  await client.query('rollback');
  await client.end();

  // Revoking, as the owner: the role loses every privilege, and a call says so with a ConfigurationError.
  await owner.migrate({ revokeFrom: 'cam_app' });
  const error = await app.users.get(alice.id).catch((caught: unknown) => caught);
  console.log(`after revoking: ${error instanceof ConfigurationError ? 'ConfigurationError' : String(error)}`);
} finally {
  await app.close();
  await owner.close();
  await admin.query('drop schema if exists cam_data cascade');
  await admin.query(`revoke all on database ${database} from cam_owner`);
  await admin.query('drop role if exists cam_app');
  await admin.query('drop role if exists cam_owner');
  await admin.end();
  await server.stop();
}
