import { describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError, connect } from '../../src/index.ts';
import { toDataAccessError } from '../../src/common/map-error.ts';
import { lockUser, queryAt, waitingBackend } from '../support/row-lock.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

/** Sessions of `applicationName` on the server, whatever their state. */
async function sessionsOf(applicationName: string): Promise<number> {
  const rows = await queryAt(database.url, 'select 1 from pg_stat_activity where application_name = $1 and datname = current_database()', [applicationName]);
  return rows.length;
}

const closedError = { code: 'CONNECTION', reason: 'closed', retryable: false, message: expect.stringMatching(/^The database handle is closed/) };

describe('db.close()', () => {
  it('refuses new calls at once, lets calls in flight finish, then ends the pool; a second close is the same promise', async () => {
    const applicationName = 'close-in-flight';
    const db = connect({ url: database.url, applicationName });
    await db.users.upsert({ id: 'user_closing', email: 'closing@example.com' });
    const lock = await lockUser(database.url, 'user_closing');
    let inFlight;
    let closing;
    try {
      inFlight = db.users.update('user_closing', { subscriptionStatus: 'pro' });
      await waitingBackend(database.url, applicationName);
      closing = db.close({ graceMillis: 20_000 });
      expect(db.close()).toBe(closing);

      await expect(db.users.get('user_closing')).rejects.toMatchObject(closedError);
      await expect(db.transaction(async () => 'never run')).rejects.toMatchObject(closedError);
      await expect(db.checkConnection()).rejects.toMatchObject(closedError);
      await expect(db.migrate()).rejects.toMatchObject(closedError);
      await expect(db.migrationStatus()).rejects.toMatchObject(closedError);
      expect(() => db.fork()).toThrow(ConnectionError);
    } finally {
      await lock.release();
    }
    expect(await inFlight).toMatchObject({ id: 'user_closing', subscriptionStatus: 'pro' });
    await closing;
    expect(await sessionsOf(applicationName)).toBe(0);
  });

  it('never opens a connection afterwards, not even for an EntityManager forked before', async () => {
    const applicationName = 'close-forked';
    const db = connect({ url: database.url, applicationName });
    const em = db.fork();
    await em.execute('select 1');
    await db.close();
    const error = await em.execute('select 1').then(
      () => expect.unreachable('a closed handle answered'),
      (caught: unknown) => caught,
    );
    expect(toDataAccessError(error)).toMatchObject(closedError);
    expect(await sessionsOf(applicationName)).toBe(0);
  });

  it('fails calls that outlast the grace period as closed, and still ends the pool', { timeout: 10_000 }, async () => {
    const applicationName = 'close-grace';
    const db = connect({ url: database.url, applicationName });
    await db.users.upsert({ id: 'user_grace', email: 'grace@example.com' });
    const lock = await lockUser(database.url, 'user_grace');
    try {
      const inFlight = db.users.update('user_grace', { subscriptionStatus: 'pro' });
      await waitingBackend(database.url, applicationName);
      await db.close({ graceMillis: 100 });
      await expect(inFlight).rejects.toMatchObject(closedError);
    } finally {
      await lock.release();
    }
    // The server notices the closed connection once the statement stops waiting for the lock.
    await expect.poll(() => sessionsOf(applicationName)).toBe(0);
  });

  it('refuses close options that cannot work, and closes a handle that never connected', async () => {
    const db = connect({ url: database.url });
    expect(() => db.close({ graceMillis: -1 })).toThrow(ConfigurationError);
    await db.close();
  });
});
