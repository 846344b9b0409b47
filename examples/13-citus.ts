/**
 * 13. Citus: the package on a distributed PostgreSQL, in its two layouts.
 * - One installation per tenant: with Citus's schema-based sharding each tenant's schema is placed whole on one node of
 *   the cluster; the package runs in it as on a single server.
 * - One installation for millions of users: `db.distribute()` spreads the rows by user, each user's row, projects and
 *   cams together on one worker, and every call about a user runs there.
 *
 *   CITUS_URL=postgres://user@coordinator:5432/app npm run example -- citus
 *
 * It needs a Citus 12 or later coordinator with workers (self-hosted, or a managed service built on Citus) and a role
 * that may create schemas there; without CITUS_URL it says so and stops.
 */
import pg from 'pg';
import { ConflictError, connect } from '@enginecampro/db';

const url = process.env.CITUS_URL;
if (!url) {
  console.log('skipped: this tutorial needs a Citus coordinator: set CITUS_URL to its URL (Citus 12 or later, with workers)');
  process.exit(0);
}

const TENANTS = ['example_acme', 'example_globex'];
const BY_USER = 'example_by_user';
const admin = new pg.Client(url);
await admin.connect();

try {
  for (const tenant of TENANTS) {
    // A schema created with schema-based sharding on is a distributed schema: every table made in it later, by any
    // session, is a single-shard table placed with the others on one node. (Or turn it on for the whole database:
    // alter database app set citus.enable_schema_based_sharding = on.)
    await admin.query(`drop schema if exists ${tenant} cascade`);
    await admin.query(`set citus.enable_schema_based_sharding = on; create schema ${tenant}; reset citus.enable_schema_based_sharding`);

    // From here on, as on a single server: the migrations run on the coordinator, which passes them to the node.
    const db = connect({ url, schema: tenant });
    try {
      const applied = await db.migrate();
      const { rows } = await admin.query<{ tables: string; nodes: string }>(
        `select string_agg(distinct c.relname, ', ' order by c.relname) as tables, string_agg(distinct s.nodename || ':' || s.nodeport, ', ') as nodes
         from citus_shards s join pg_class c on c.oid = s.table_name join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1`,
        [tenant],
      );
      console.log(`${tenant}: ${applied.length} migrations applied; ${rows[0]!.tables} on ${rows[0]!.nodes}`);

      const user = await db.users.upsert({ id: 'user_1', email: `owner@${tenant.replace('_', '-')}.example.com` });
      const project = await db.projects.create(user.id, { name: 'Race engine' });
      // 40 cams: through the staging path (COPY into a temporary table, then one INSERT ... SELECT).
      const cams = Array.from({ length: 40 }, (_, i) => ({ name: `Lobe ${i + 1}`, camType: 'intake' as const, lift: 11.43, duration: 268 }));
      await db.cams.createMany(user.id, project.id, cams);
      const withProjects = await db.users.getWithProjects(user.email);
      console.log(`${tenant}: ${withProjects.email} has ${withProjects.projects.length} project with ${withProjects.projects[0]!.cams.length} cams`);

      // A call about one user reads the tenant's node alone: Citus plans it as one task there (a router plan).
      const plan = await admin.query<{ 'QUERY PLAN': string }>(`explain select * from ${tenant}.projects where user_id = $1`, [user.id]);
      const lines = plan.rows.map((row) => row['QUERY PLAN'].trim());
      const tasks = lines.find((line) => line.startsWith('Task Count: '))!.slice('Task Count: '.length);
      const node = lines.find((line) => line.startsWith('Node: '))!.slice('Node: '.length);
      console.log(`${tenant}: a user's projects are read by ${tasks} task, on ${node}`);

      // Errors are the ones a single server gives, though Citus relays them from the node.
      await db.users.upsert({ id: 'user_2', email: user.email.toUpperCase() }).catch((error: unknown) => {
        if (!(error instanceof ConflictError)) throw error;
        console.log(`${tenant}: the same address for another user: ${error.message}`);
      });
    } finally {
      await db.close();
    }
  }

  // Rows distributed by user: an installation made as on a single server (in a schema that is not a distributed one)...
  await admin.query(`drop schema if exists ${BY_USER} cascade`);
  await admin.query(`set citus.enable_schema_based_sharding = off; create schema ${BY_USER}; reset citus.enable_schema_based_sharding`);
  const db = connect({ url, schema: BY_USER });
  try {
    await db.migrate();
    for (const id of ['user_1', 'user_2', 'user_3']) {
      const project = await db.projects.create((await db.users.upsert({ id, email: `${id.replace('_', '.')}@example.com` })).id, { name: 'Race engine' });
      await db.cams.create(id, project.id, { name: 'Intake lobe', camType: 'intake', lift: 11.43, duration: 268 });
    }
    // ...then distributed, once, on the coordinator: users by id, projects and cams by their owner, all co-located, and
    // the e-mail addresses in a lookup distributed by address. (On a large installation: distribute({ online: true }).)
    const { distributed } = await db.distribute();
    console.log(`${BY_USER}: distributed ${distributed.join(', ')}`);
    const { rows } = await admin.query<{ user_id: string; node: string }>(
      `select u.id as user_id, s.nodename || ':' || s.nodeport as node from ${BY_USER}.users u
       join citus_shards s on s.shardid = get_shard_id_for_distribution_column('${BY_USER}.users', u.id) order by u.id`,
    );
    console.log(`${BY_USER}: ${rows.map((row) => `${row.user_id} on ${row.node}`).join(', ')}`);

    // A user's calls run on that user's worker; finding a user by address asks the lookup's shard first.
    const user = await db.users.getWithProjects('USER.2@example.com');
    console.log(`${BY_USER}: ${user.id} found by address, with ${user.projects.length} project and ${user.projects[0]!.cams.length} cam`);
    await db.users.upsert({ id: 'user_4', email: 'user.2@example.com' }).catch((error: unknown) => {
      if (!(error instanceof ConflictError)) throw error;
      console.log(`${BY_USER}: an address stays unique across the cluster: ${error.message}`);
    });
  } finally {
    await db.close();
  }
} finally {
  for (const schema of [...TENANTS, BY_USER]) await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}
