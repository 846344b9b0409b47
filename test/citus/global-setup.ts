import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { CitusUnavailable, startCitusCluster } from './cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The coordinator of the run's Citus cluster, as its superuser. */
    citusUrl: string;
    /** Its workers, as Citus names nodes in plans (`host=127.0.0.1 port=...`). */
    citusWorkers: string[];
  }
}

/**
 * Starts one Citus cluster (a coordinator and two workers on loopback) for the whole run, with schema-based sharding
 * on in its database: every schema created there is distributed, one node per schema.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  let cluster;
  try {
    cluster = await startCitusCluster();
  } catch (error) {
    if (!(error instanceof CitusUnavailable)) throw error;
    console.error(`Citus cannot be had here: ${error.message}`);
    process.exit(1);
  }
  const admin = new pg.Client(cluster.url);
  await admin.connect();
  try {
    await admin.query('alter database postgres set citus.enable_schema_based_sharding = on');
    const { rows } = await admin.query<{ version: string; server: string }>(
      `select extversion as version, current_setting('server_version') as server from pg_extension where extname = 'citus'`,
    );
    console.log(`Citus ${rows[0]!.version} on PostgreSQL ${rows[0]!.server}: a coordinator and ${cluster.workers.length} workers, started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await admin.end();
  }
  project.provide('citusUrl', cluster.url);
  project.provide('citusWorkers', cluster.workers);
  return () => cluster.stop();
}
