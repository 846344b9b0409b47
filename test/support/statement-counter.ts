import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/** The statement list of the `statementsOf` call whose `work` this async context belongs to, if any. */
const counting = new AsyncLocalStorage<string[]>();

/**
 * Runs `work` and returns the SQL statements it sent, counted where every one of them passes: `pg.Client#query`.
 * MikroORM (through Kysely's pg dialect), our own statements, and in the benchmark Drizzle's node-postgres driver and
 * Prisma's adapter-pg all use this one `pg`, so BEGIN, COMMIT and every query count alike. Only statements sent on
 * behalf of `work` (in its async context) count: a timer that another handle started earlier, such as the replica
 * probes, runs meanwhile without entering the count. Wrapping costs time: never count while timing.
 */
export async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  const statements: string[] = [];
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const query = args[0];
    counting.getStore()?.push(typeof query === 'string' ? query : String((query as { text?: string }).text));
    return original.apply(this, args);
  };
  try {
    return { result: await counting.run(statements, work), statements };
  } finally {
    prototype.query = original;
  }
}
