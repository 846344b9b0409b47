import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, connect, type Database } from '../../src/index.ts';
import { lockUser, queryAt, waitingBackend } from '../support/row-lock.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { adminQuery, useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

/** The error `call` rejects with; fails the test when it resolves. */
async function failureOf(call: Promise<unknown>): Promise<ConnectionError> {
  const error = await call.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

describe('a backend terminated while a call waits on it', () => {
  const applicationName = 'faults-terminated';
  let db: Database;
  beforeAll(async () => {
    db = connect({ url: database.url, applicationName });
    await db.users.upsert({ id: 'user_terminated', email: 'terminated@example.com' });
  });
  afterAll(() => db.close());

  for (const [call, run, retryable] of [
    ['an update', (db: Database) => db.users.update('user_terminated', { subscriptionStatus: 'pro' }), true],
    ['a create', (db: Database) => db.projects.create('user_terminated', { name: 'Waits for the user row' }), false],
  ] as const) {
    it(`fails ${call} with a ConnectionError (retryable: ${retryable}), and the next call on the same handle works`, async () => {
      const lock = await lockUser(database.url, 'user_terminated');
      try {
        const pending = failureOf(run(db));
        const pid = await waitingBackend(database.url, applicationName);
        await queryAt(database.url, 'select pg_terminate_backend($1)', [pid]);
        const error = await pending;
        expect(error).toMatchObject({ code: 'CONNECTION', reason: 'terminated', retryable });
        expect(error.message).toMatch(/^The server terminated the connection \(admin shutdown/);
        if (!retryable) expect(error.message).toMatch(/may or may not have been committed/);
      } finally {
        await lock.release();
      }
      expect(await db.users.get('user_terminated')).toMatchObject({ id: 'user_terminated' });
    });
  }
});

describe('a server that stops answering', () => {
  let proxy: TcpProxy;
  let db: Database;
  beforeAll(async () => {
    proxy = await startTcpProxy(database.url);
    db = connect({ url: proxy.urlFor(database.url), statementTimeoutMillis: 400, connectTimeoutMillis: 400, acquireTimeoutMillis: 1_000 });
    await db.users.upsert({ id: 'user_frozen', email: 'frozen@example.com' });
    // Three open connections, one for each call below: a call that had to open one would meet the connect timeout.
    let opened!: () => void;
    const allOpen = new Promise<void>((resolve) => (opened = resolve));
    let waiting = 3;
    const arrive = async () => {
      if (--waiting === 0) opened();
      await allOpen;
    };
    await Promise.all([1, 2, 3].map(() => db.transaction(async (tx) => void (await tx.users.get('user_frozen'), await arrive()))));
  });
  afterAll(async () => {
    proxy.thaw();
    await db.close();
    await proxy.close();
  });

  // The test's own timeout is the proof that nothing waits for the frozen server beyond the configured timeouts.
  it('fails each call after statementTimeoutMillis, retryable only when repeating it cannot write twice', { timeout: 5_000 }, async () => {
    proxy.freeze();
    try {
      const read = await failureOf(db.users.get('user_frozen'));
      expect(read).toMatchObject({ reason: 'statement-timeout', retryable: true });
      expect(read.message).toMatch(/^No answer from the database within statementTimeoutMillis/);

      const create = await failureOf(db.projects.create('user_frozen', { name: 'Never answered' }));
      expect(create).toMatchObject({ reason: 'statement-timeout', retryable: false });
      expect(create.message).toMatch(/may or may not have been committed/);

      const transaction = await failureOf(db.transaction((tx) => tx.users.update('user_frozen', { subscriptionStatus: 'pro' })));
      expect(transaction).toMatchObject({ reason: 'statement-timeout', retryable: true });
    } finally {
      proxy.thaw();
    }
    // The connections that waited were closed; the next call opens a new one.
    expect(await db.users.get('user_frozen')).toMatchObject({ id: 'user_frozen', subscriptionStatus: 'free' });
  });

  it('fails a call that needs a new connection after connectTimeoutMillis', { timeout: 5_000 }, async () => {
    const fresh = connect({ url: proxy.urlFor(database.url), connectTimeoutMillis: 300 });
    proxy.freeze();
    try {
      expect(await failureOf(fresh.users.get('user_frozen'))).toMatchObject({ reason: 'connect-timeout', retryable: true });
    } finally {
      proxy.thaw();
      await fresh.close();
    }
  });
});

describe('a pool held full', () => {
  it('fails a call that cannot get a connection within acquireTimeoutMillis, as retryable', { timeout: 5_000 }, async () => {
    const db = connect({ url: database.url, pool: { max: 1 }, acquireTimeoutMillis: 300 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = db.transaction(async (tx) => {
      await tx.users.upsert({ id: 'user_pool', email: 'pool@example.com' });
      await held;
    });
    try {
      // The transaction has the only connection once its first statement answered.
      await expect.poll(() => queryAt(database.url, `select 1 from pg_stat_activity where state = 'idle in transaction' and datname = current_database()`)).toHaveLength(1);
      const error = await failureOf(db.users.get('user_pool'));
      expect(error).toMatchObject({ reason: 'acquire-timeout', retryable: true });
      expect(error.message).toMatch(/^No free connection in the pool within acquireTimeoutMillis/);
    } finally {
      release();
      await holding;
      await db.close();
    }
  });
});

describe('a read-only server', () => {
  it('refuses writes with a retryable ConnectionError that says so, and still reads', async () => {
    const name = new URL(database.url).pathname.slice(1);
    await adminQuery(`alter database ${name} set default_transaction_read_only = on`);
    const db = connect({ url: database.url });
    try {
      const error = await failureOf(db.users.upsert({ id: 'user_standby', email: 'standby@example.com' }));
      expect(error).toMatchObject({ reason: 'read-only', retryable: true });
      expect(error.message).toMatch(/^The server is read-only \(a standby\?\): writes must go to the primary/);
      expect((await db.projects.list('user_standby')).items).toEqual([]);
    } finally {
      await adminQuery(`alter database ${name} reset default_transaction_read_only`);
      await db.close();
    }
  });
});
