/**
 * 13. Citus: one installation per tenant on a distributed PostgreSQL. With Citus's schema-based sharding each tenant's
 * schema is placed whole on one node of the cluster; the package runs in it as on a single server.
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
} finally {
  for (const tenant of TENANTS) await admin.query(`drop schema if exists ${tenant} cascade`);
  await admin.end();
}
