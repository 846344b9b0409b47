import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import { ConnectionError, connect } from '../../src/index.ts';
import { PgBouncerUnavailable, startPgBouncer, type RunningPgBouncer } from '../support/pgbouncer.ts';
import { lockUser, queryAt, waitingBackend } from '../support/row-lock.ts';
import { databaseUrl } from '../support/postgres-server.ts';
import { useTestDatabase } from '../support/test-database.ts';

/**
 * What PgBouncer says of its own faults (SQLSTATE 08P01 and a message) reaches the caller as the `ConnectionError` a
 * direct connection gives, with the same `reason` and `retryable`. A PgBouncer of its own, started here.
 */
const database = useTestDatabase();
let pgbouncer: RunningPgBouncer | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  try {
    pgbouncer = await startPgBouncer(inject('postgresAdminUrl'), { poolSize: 2 });
  } catch (error) {
    if (!(error instanceof PgBouncerUnavailable)) throw error;
    unavailable = error.message;
    console.warn(`skipped: ${unavailable}`);
  }
});
afterAll(() => pgbouncer?.stop());

function pooled(context: TestContext, url = database.url): string {
  if (!pgbouncer) context.skip(`no PgBouncer here: ${unavailable}`);
  return pgbouncer!.pooledUrl(url);
}

describe('through PgBouncer in transaction mode', () => {
  it('a server connection that dies under a call is a ConnectionError, retryable when the call is', async (context) => {
    const applicationName = 'pooler-faults-lost';
    const db = connect({ url: pooled(context), applicationName });
    try {
      await db.users.upsert({ id: 'user_pooled', email: 'pooled@example.com' });
      const lock = await lockUser(database.url, 'user_pooled');
      try {
        const pending = db.users.update('user_pooled', { subscriptionStatus: 'pro' }).catch((error: unknown) => error);
        // PgBouncer sets the client's application_name on the server connection it lends.
        const pid = await waitingBackend(database.url, applicationName);
        await queryAt(database.url, 'select pg_terminate_backend($1)', [pid]);
        const error = await pending;
        // PgBouncer passes the server's own termination (57P01) on, or says "server conn crashed?" (08P01) itself.
        expect(error).toBeInstanceOf(ConnectionError);
        expect(['terminated', 'lost']).toContain((error as ConnectionError).reason);
        expect(error).toMatchObject({ retryable: true });
      } finally {
        await lock.release();
      }
      // PgBouncer may find its dead server connection only at the next call it lends it to, and say so ("server conn
      // crashed?"): a retryable ConnectionError, after which the call works.
      const next = await db.users.get('user_pooled').catch((error: unknown) => {
        expect(error).toMatchObject({ code: 'CONNECTION', reason: 'lost', retryable: true });
        return db.users.get('user_pooled');
      });
      expect(next).toMatchObject({ id: 'user_pooled' });
    } finally {
      await db.close();
    }
  });

  it('a database the server does not have is a ConnectionError (refused), not retryable', async (context) => {
    const db = connect({ url: databaseUrl(pooled(context), 'no_such_database_here') });
    try {
      const error = await db.checkConnection().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ reason: 'refused', retryable: false });
    } finally {
      await db.close();
    }
  });
});
