import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/** A query as `pg.Client#query` was called: its first argument (SQL text, a config, a Submittable) and its values. */
export interface SentQuery {
  query: unknown;
  values: unknown[] | undefined;
}

/** The query list of the `queriesOf` call whose `work` this async context belongs to, if any. */
const watching = new AsyncLocalStorage<SentQuery[]>();

/**
 * Runs `work` and returns the queries it sent, caught where every one of them passes: `pg.Client#query`. MikroORM
 * (through Kysely's pg dialect), our own statements, and in the benchmark Drizzle's node-postgres driver and Prisma's
 * adapter-pg all use this one `pg`, so BEGIN, COMMIT and every query count alike. Only queries sent on behalf of
 * `work` (in its async context) count: a timer that another handle started earlier, such as the replica probes, runs
 * meanwhile without entering the list. Wrapping costs time: never watch while timing.
 */
export async function queriesOf<T>(work: () => Promise<T>): Promise<{ result: T; queries: SentQuery[] }> {
  const prototype = pg.Client.prototype as { query: (this: pg.Client, ...args: unknown[]) => unknown };
  const original = prototype.query;
  const queries: SentQuery[] = [];
  prototype.query = function (this: pg.Client, ...args: unknown[]) {
    watching.getStore()?.push({ query: args[0], values: Array.isArray(args[1]) ? args[1] : undefined });
    return original.apply(this, args);
  };
  try {
    return { result: await watching.run(queries, work), queries };
  } finally {
    prototype.query = original;
  }
}

/** Runs `work` and returns the SQL text of every statement it sent (`queriesOf`). */
export async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const { result, queries } = await queriesOf(work);
  return { result, statements: queries.map(({ query }) => (typeof query === 'string' ? query : String((query as { text?: string }).text))) };
}
