import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError, connect } from '../../src/index.ts';
import { connectionLimits, createOrmConfig } from '../../src/connection/orm-config.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

describe('connect() options', () => {
  it('falls back to DATABASE_URL, and without any URL refuses to start', () => {
    const saved = process.env.DATABASE_URL;
    try {
      process.env.DATABASE_URL = 'postgres://env-user@env-host:6000/env_db';
      expect(createOrmConfig()).toMatchObject({ host: 'env-host', port: 6000, user: 'env-user', dbName: 'env_db' });
      delete process.env.DATABASE_URL;
      expect(() => connect()).toThrow(ConfigurationError);
      expect(() => connect()).toThrow(/DATABASE_URL/);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it('has bounded defaults for a serverless caller', () => {
    const config = createOrmConfig({ url: 'postgres://u@h/db' });
    expect(config.pool).toEqual({ max: 5, min: 0, idleTimeoutMillis: 10_000 });
    // The pool's `connectionTimeoutMillis` bounds the wait for a connection; each connection's own is set by its class.
    expect(config.driverOptions).toMatchObject({ connectionTimeoutMillis: 10_000, keepAlive: true, keepAliveInitialDelayMillis: 10_000, ssl: false, application_name: 'enginecampro-db' });
    expect(connectionLimits({ url: 'postgres://u@h/db' })).toEqual({ connectTimeoutMillis: 5_000, statementTimeoutMillis: 30_000, idleInTransactionTimeoutMillis: 60_000, preparedStatements: true });
    expect(config).toMatchObject({ ensureDatabase: false, contextName: 'enginecampro-db', debug: false });
  });

  it('refuses options that cannot work, naming each problem', () => {
    const attempt = () => connect({ url: 'postgres://u@h/db', pool: { max: 0 }, connectTimeoutMillis: 0, ssl: 'required' as never });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/pool\.max/);
    expect(attempt).toThrow(/connectTimeoutMillis/);
    expect(attempt).toThrow(/ssl/);
    expect(() => connect({ url: 'postgres://u@h/db', pool: { min: 3, max: 2 } })).toThrow(/pool\.min/);
    expect(() => connect({ url: 'postgres://u@h/db', poolSize: 3 } as never)).toThrow(/poolSize/);
    const timeouts = () =>
      connect({ url: 'postgres://u@h/db', statementTimeoutMillis: 0, acquireTimeoutMillis: 1.5, idleInTransactionTimeoutMillis: -1, keepAliveInitialDelayMillis: 0, keepAlive: 'yes' as never });
    for (const option of ['statementTimeoutMillis', 'acquireTimeoutMillis', 'idleInTransactionTimeoutMillis', 'keepAliveInitialDelayMillis', 'keepAlive']) {
      expect(timeouts).toThrow(new RegExp(option));
    }
  });

  it('names the session after applicationName in pg_stat_activity', async () => {
    const db = connect({ url: database.url, applicationName: 'cam-designer-api' });
    try {
      const [row] = await db.fork().execute<{ application_name: string }[]>(
        `select application_name from pg_stat_activity where pid = pg_backend_pid()`,
      );
      expect(row!.application_name).toBe('cam-designer-api');
    } finally {
      await db.close();
    }
  });
});

describe('timeouts', () => {
  it('hold inside each transaction and leave no session state behind, as a transaction pooler needs', async () => {
    const db = connect({ url: database.url, pool: { max: 1 }, statementTimeoutMillis: 12_345, idleInTransactionTimeoutMillis: 23_456 });
    const settings = `select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle`;
    try {
      const [inside] = await db.transaction((tx) => tx.em.execute<{ statement: string; idle: string }[]>(settings));
      expect(inside).toEqual({ statement: '12345ms', idle: '23456ms' });
      // The same connection (the pool has one), after the transaction: the server's defaults again.
      const [after] = await db.fork().execute<{ statement: string; idle: string }[]>(settings);
      expect(after).toEqual({ statement: '0', idle: '0' });
    } finally {
      await db.close();
    }
  });
});

describe('debug logging', () => {
  it('logs each statement through the logger, without parameter values or the password', async () => {
    const lines: string[] = [];
    const url = new URL(database.url);
    const db = connect({ url: database.url, debug: true, logger: (line) => lines.push(line) });
    try {
      await db.fork().execute(`select count(*) from users where email = ?`, ['secret.person@example.com']);
    } finally {
      await db.close();
    }
    const log = lines.join('\n');
    expect(log).toContain('select count(*) from users where email = ?');
    expect(log).not.toContain('secret.person@example.com');
    expect(log).not.toContain(`:${url.password}@`);
  });

  it('is silent by default', async () => {
    const lines: string[] = [];
    const db = connect({ url: database.url, logger: (line) => lines.push(line) });
    await db.fork().execute('select 1');
    await db.close();
    expect(lines).toEqual([]);
  });
});

describe('TLS', () => {
  it('encrypts with sslmode=require and not with sslmode=disable', async (context) => {
    const probe = connect({ url: database.url });
    const [setting] = await probe.fork().execute<{ ssl: string }[]>(`select current_setting('ssl') as ssl`);
    await probe.close();
    if (setting!.ssl !== 'on') {
      context.skip('this PostgreSQL server has TLS turned off');
    }
    for (const [mode, encrypted] of [['require', true], ['disable', false]] as const) {
      const db = connect({ url: `${database.url}?sslmode=${mode}` });
      try {
        const [row] = await db.fork().execute<{ ssl: boolean }[]>(`select ssl from pg_stat_ssl where pid = pg_backend_pid()`);
        expect(row!.ssl).toBe(encrypted);
      } finally {
        await db.close();
      }
    }
  });
});

describe('a server that cannot be used', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts TCP connections and never answers: what a black-holed or overloaded host looks like.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('gives up after connectTimeoutMillis instead of waiting forever', { timeout: 5_000 }, async () => {
    const db = connect({ url: `postgres://u:p@127.0.0.1:${silentPort}/db`, connectTimeoutMillis: 300 });
    await expect(db.checkConnection()).rejects.toBeInstanceOf(ConnectionError);
    await db.close();
  });

  it('reports a refused connection, a refused login and a missing database as ConnectionError, never showing the password', async () => {
    const refused = connect({ url: 'postgres://u:hunter2@127.0.0.1:1/db' });
    await expect(refused.migrate()).rejects.toMatchObject({ code: 'CONNECTION', message: expect.stringContaining('ECONNREFUSED') });
    await refused.close();

    // An unknown role is refused whatever the server's authentication method (a wrong password is not, under trust).
    const login = new URL(database.url);
    login.username = 'no_such_role';
    login.password = 'definitely-wrong-password';
    const missing = new URL(database.url);
    missing.pathname = '/no_such_database';
    for (const url of [login, missing]) {
      const db = connect({ url: url.toString() });
      const error = await db.checkConnection().catch((caught: unknown) => caught);
      await db.close();
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).not.toContain('definitely-wrong-password');
    }
  });
});
