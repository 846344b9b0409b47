import pg from 'pg';

/**
 * Counts the statements `work` sends, where all of them pass: `pg.Client.prototype.query`. Every library here talks
 * to PostgreSQL through this one `pg` module (MikroORM via Kysely's pg dialect, Drizzle's node-postgres driver,
 * Prisma's adapter-pg), so BEGIN, COMMIT and every query are counted alike. Untimed: wrapping the method costs time.
 */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  const statements: string[] = [];
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const query = args[0];
    statements.push(typeof query === 'string' ? query : String((query as { text?: unknown }).text));
    return original.apply(this, args);
  };
  try {
    return { result: await work(), statements };
  } finally {
    prototype.query = original;
  }
}
