import { connect as connectSocket, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError, connect, type Database } from '../../src/index.ts';
import { parseDatabaseUrl, redactDatabaseUrl } from '../../src/connection/database-url.ts';
import { createOrmConfig, primaryHostPlan, replicaHostPlan } from '../../src/connection/orm-config.ts';
import { freePort } from '../support/embedded-postgres.ts';
import { createUser } from '../support/fixtures.ts';
import { adminQuery, startReplicaPair, type ReplicaPair } from '../support/replica-pair.ts';
import { useTestDatabase } from '../support/test-database.ts';

describe('multi-host connection strings', () => {
  it('take libpq\'s host list in the authority, ports defaulting to 5432, and target_session_attrs', () => {
    const url = parseDatabaseUrl('postgresql://app:s3cret@db1.example.com:5433,db2.example.com,[::1]:6000/cams?target_session_attrs=read-write&sslmode=require');
    expect(url).toMatchObject({ user: 'app', password: 's3cret', database: 'cams', targetSessionAttrs: 'read-write', host: 'db1.example.com', port: 5433 });
    expect(url.hosts).toEqual([
      { host: 'db1.example.com', port: 5433 },
      { host: 'db2.example.com', port: 5432 },
      { host: '::1', port: 6000 },
    ]);
    expect(url.params.get('sslmode')).toBe('require');
  });

  it('take host and port lists from the query string, one port for all or one per host, overriding the authority\'s', () => {
    expect(parseDatabaseUrl('postgres:///cams?host=a,b&port=5433,5434').hosts).toEqual([{ host: 'a', port: 5433 }, { host: 'b', port: 5434 }]);
    expect(parseDatabaseUrl('postgres://x:1/cams?host=a,b&port=6000').hosts).toEqual([{ host: 'a', port: 6000 }, { host: 'b', port: 6000 }]);
    expect(parseDatabaseUrl('postgres://u@h1:5432,h2:5432/cams').targetSessionAttrs).toBeUndefined();
  });

  it.each([
    ['postgres://u:secret@a,b/cams?port=1,2,3', /2 hosts but 3 ports/],
    ['postgres://u:secret@a:5432,b:http/cams', /invalid port "http"/],
    ['postgres://u:secret@a,b/cams?target_session_attrs=writable', /Unknown target_session_attrs "writable"/],
  ])('refuse %s with a ConfigurationError that does not repeat the password', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(ConfigurationError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
    expect(() => parseDatabaseUrl(url)).not.toThrow(/secret/);
  });

  it('are redacted with every host kept', () => {
    expect(redactDatabaseUrl('postgres://app:p@ss@h1:5432,h2:5433/cams?target_session_attrs=read-write')).toBe(
      'postgres://app:*****@h1:5432,h2:5433/cams?target_session_attrs=read-write',
    );
  });

  it('have a structured form, validated strictly', () => {
    const plan = primaryHostPlan({ url: 'postgres://u@ignored/cams', hosts: [{ host: 'h1' }, { host: 'h2', port: 5433 }], targetSessionAttrs: 'primary' });
    expect(plan).toEqual({ hosts: [{ host: 'h1', port: 5432 }, { host: 'h2', port: 5433 }], targetSessionAttrs: 'primary' });
    expect(createOrmConfig({ url: 'postgres://u@ignored/cams', hosts: [{ host: 'h1', port: 6000 }] })).toMatchObject({ host: 'h1', port: 6000, dbName: 'cams' });
    expect(() => connect({ url: 'postgres://u@h/cams', hosts: [{ host: 'h1', weight: 2 } as never] })).toThrow(/weight/);
    expect(() => connect({ url: 'postgres://u@h/cams', targetSessionAttrs: 'writable' as never })).toThrow(ConfigurationError);
    expect(() => connect({ url: 'postgres://u@h/cams', hosts: [] })).toThrow(/hosts/);
    expect(() => connect({ url: 'postgres://u@h/cams', failoverRetry: { withinMillis: 0 } })).toThrow(/withinMillis/);
    expect(() => connect({ url: 'postgres://u@h/cams', replicas: [{ url: 'postgres://u@r/cams', targetSessionAttrs: 'standby', hosts: [{ host: 'r2' }] }] })).not.toThrow();
  });

  it('make the primary look among its hosts and then the replicas\', for a server that takes writes', () => {
    const options = { url: 'postgres://u@p1,p2/cams', replicas: ['postgres://u@r1/cams', { url: 'postgres://u@r2:5433,p1/cams' }] };
    expect(primaryHostPlan(options)).toEqual({
      hosts: [{ host: 'p1', port: 5432 }, { host: 'p2', port: 5432 }, { host: 'r1', port: 5432 }, { host: 'r2', port: 5433 }],
      targetSessionAttrs: 'read-write',
    });
    // A replica looks among its own hosts first, for a standby.
    expect(replicaHostPlan(options, 1)).toEqual({
      hosts: [{ host: 'r2', port: 5433 }, { host: 'p1', port: 5432 }, { host: 'p2', port: 5432 }, { host: 'r1', port: 5432 }],
      targetSessionAttrs: 'standby',
    });
    // One host and nothing else: every connection goes there unchecked, as before.
    expect(primaryHostPlan({ url: 'postgres://u@p1/cams' })).toEqual({ hosts: [{ host: 'p1', port: 5432 }], targetSessionAttrs: 'any' });
    expect(primaryHostPlan({ url: 'postgres://u@p1/cams?target_session_attrs=any', replicas: ['postgres://u@r1/cams'] }).targetSessionAttrs).toBe('any');
  });
});

describe('choosing a host', () => {
  const database = useTestDatabase();
  let silent: Server;
  let silentPort: number;
  let deadPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts TCP connections and never answers: a black-holed host.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
    deadPort = await freePort(); // nothing listens there: connections are refused
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  /** The test database's URL with its one host replaced by `hosts` (`host:port,...`). */
  function withHosts(hosts: string, query = ''): string {
    const url = new URL(database.url);
    const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
    return `postgres://${auth}${hosts}${url.pathname}${query}`;
  }
  const server = () => `${new URL(database.url).hostname}:${new URL(database.url).port || 5432}`;

  it('skips a host that refuses the connection, and one that does not answer within connectTimeoutMillis', async () => {
    const db = connect({ url: withHosts(`127.0.0.1:${deadPort},127.0.0.1:${silentPort},${server()}`), connectTimeoutMillis: 400 });
    try {
      const started = performance.now();
      const user = await createUser(db);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect((await db.users.get(user.id)).email).toBe(user.email);
      expect(db.primaryStatus()).toMatchObject({ host: server(), targetSessionAttrs: 'read-write', switches: 0 });
      expect(db.primaryStatus().candidates).toEqual([`127.0.0.1:${deadPort}`, `127.0.0.1:${silentPort}`, server()]);
    } finally {
      await db.close();
    }
  });

  it('goes by the hosts option as by the URL\'s list', async () => {
    const { hostname, port } = new URL(database.url);
    const db = connect({ url: database.url, hosts: [{ host: '127.0.0.1', port: deadPort }, { host: hostname, port: Number(port || 5432) }] });
    try {
      await createUser(db);
      expect(db.primaryStatus().host).toBe(server());
    } finally {
      await db.close();
    }
  });

  it('fails with the typed error of the last host when none can be reached, within the connect timeouts', async () => {
    const db = connect({ url: withHosts(`127.0.0.1:${deadPort},127.0.0.1:${silentPort}`), connectTimeoutMillis: 300 });
    try {
      const started = performance.now();
      const error = await db.users.get('nobody').catch((failure: unknown) => failure);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ reason: 'connect-timeout', retryable: true });
      expect(db.primaryStatus().host).toBeNull();
    } finally {
      await db.close();
    }
  });

  it('finds no standby on a primary: standby and read-only fail as unavailable, prefer-standby takes the primary', async () => {
    for (const attrs of ['standby', 'read-only'] as const) {
      const db = connect({ url: withHosts(`127.0.0.1:${deadPort},${server()}`, `?target_session_attrs=${attrs}`) });
      try {
        await expect(db.users.get('nobody')).rejects.toMatchObject({ name: 'ConnectionError', reason: 'unavailable', retryable: true });
      } finally {
        await db.close();
      }
    }
    const db = connect({ url: withHosts(server(), '?target_session_attrs=prefer-standby') });
    try {
      await createUser(db);
      expect(db.primaryStatus()).toMatchObject({ host: server(), targetSessionAttrs: 'prefer-standby' });
    } finally {
      await db.close();
    }
  });
});

describe('a server that reports no session state at login', () => {
  const database = useTestDatabase();
  let proxy: Server;
  let proxyPort: number;

  beforeAll(async () => {
    // Between the client and the server, drops the two ParameterStatus messages PostgreSQL 14 and later send at
    // login: what a client of an older server (or of a pooler that does not pass them on) sees.
    const { hostname, port } = new URL(database.url);
    proxy = createServer((client) => {
      const server = connectSocket(Number(port || 5432), hostname);
      let pending = Buffer.alloc(0);
      client.pipe(server);
      server.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5 && pending.length >= 1 + pending.readInt32BE(1)) {
          const message = pending.subarray(0, 1 + pending.readInt32BE(1));
          pending = pending.subarray(message.length);
          const name = message[0] === 0x53 ? message.subarray(5, message.indexOf(0, 5)).toString() : '';
          if (name !== 'in_hot_standby' && name !== 'default_transaction_read_only') client.write(message);
        }
      });
      for (const socket of [client, server]) socket.on('error', () => undefined).on('close', () => (client.destroy(), server.destroy()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyPort = (proxy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it('is asked, as libpq asks a server before PostgreSQL 14', async () => {
    const url = new URL(database.url);
    url.host = `127.0.0.1:${proxyPort}`;
    const raw = new pg.Client(url.toString());
    const reported = new Set<string>();
    raw.connection.on('parameterStatus', (message: { parameterName: string }) => reported.add(message.parameterName));
    await raw.connect();
    await raw.end();
    expect(reported.has('in_hot_standby') || reported.has('default_transaction_read_only')).toBe(false);
    expect(reported.has('server_version')).toBe(true);

    const writable = connect({ url: url.toString(), targetSessionAttrs: 'read-write' });
    try {
      await createUser(writable);
      expect(writable.primaryStatus()).toMatchObject({ host: `127.0.0.1:${proxyPort}`, targetSessionAttrs: 'read-write' });
    } finally {
      await writable.close();
    }
    const standby = connect({ url: url.toString(), targetSessionAttrs: 'standby' });
    try {
      await expect(standby.users.get('nobody')).rejects.toMatchObject({ name: 'ConnectionError', reason: 'unavailable' });
    } finally {
      await standby.close();
    }
  });
});

describe('a primary and its standby', () => {
  let pair: ReplicaPair;
  const portOf = (url: string) => Number(new URL(url).port);

  beforeAll(async () => {
    pair = await startReplicaPair();
    const setup = connect({ url: pair.primary.url });
    await setup.migrate();
    await setup.close();
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
  });

  /** Both servers in one URL, the standby first. */
  const bothHosts = (query: string) => `postgres://postgres:postgres@127.0.0.1:${portOf(pair.replica.url)},127.0.0.1:${portOf(pair.primary.url)}/enginecampro${query}`;

  it('go by target_session_attrs as libpq does', async () => {
    const expected = { 'read-write': pair.primary, primary: pair.primary, any: pair.replica, standby: pair.replica, 'read-only': pair.replica, 'prefer-standby': pair.replica };
    for (const [attrs, server] of Object.entries(expected)) {
      const db = connect({ url: bothHosts(`?target_session_attrs=${attrs}`) });
      try {
        const [row] = await db.fork().execute<{ port: number }[]>(`select inet_server_port() as port`);
        expect(row!.port, attrs).toBe(portOf(server.url));
      } finally {
        await db.close();
      }
    }
  });

  it('leave a primary that turns read-only, fail meanwhile with typed errors, and follow the standby once it is promoted', async () => {
    let db: Database | undefined;
    try {
      db = connect({ url: bothHosts(''), connectTimeoutMillis: 1_000 });
      const user = await createUser(db);
      expect(db.primaryStatus()).toMatchObject({ host: `127.0.0.1:${portOf(pair.primary.url)}`, targetSessionAttrs: 'read-write' });
      // What a demoted primary looks like to its clients: it accepts connections and refuses every write.
      await adminQuery(pair.primary.adminUrl, 'alter system set default_transaction_read_only = on');
      await adminQuery(pair.primary.adminUrl, 'select pg_reload_conf()');
      await sleep(200);
      const during = await db.projects.create(user.id, { name: 'during' }).catch((error: unknown) => error);
      expect(during).toBeInstanceOf(ConnectionError);
      expect(during).toMatchObject({ reason: 'read-only', retryable: true });
      // Until a server takes writes again, the search finds none: the call fails at once, as worth repeating.
      const searching = await db.projects.create(user.id, { name: 'searching' }).catch((error: unknown) => error);
      expect(searching).toMatchObject({ name: 'ConnectionError', reason: 'unavailable', retryable: true });
      expect((searching as Error).message).toMatch(/no host matches target_session_attrs=read-write: .* none of them takes writes/);
      expect(db.primaryStatus().host).toBeNull();

      await adminQuery(pair.replica.adminUrl, 'select pg_promote()');
      let created;
      for (let attempt = 0; attempt < 100 && !created; attempt++) {
        created = await db.projects.create(user.id, { name: 'after' }).catch(async (error: unknown) => {
          expect(error).toMatchObject({ name: 'ConnectionError', retryable: true });
          await sleep(100);
          return undefined;
        });
      }
      expect(created?.name).toBe('after');
      expect(db.primaryStatus()).toMatchObject({ host: `127.0.0.1:${portOf(pair.replica.url)}`, switches: 1 });
      expect(db.primaryStatus().lastSwitchAt).toBeInstanceOf(Date);
      const [row] = await db.fork().execute<{ port: number }[]>(`select inet_server_port() as port`);
      expect(row!.port).toBe(portOf(pair.replica.url));
    } finally {
      await db?.close();
    }
  });

  it('with failoverRetry, repeat a write refused as read-only until a server takes writes again, within the bound', async () => {
    // After the test before: the standby is the primary now, the former primary stays read-only.
    const db = connect({ url: bothHosts(''), connectTimeoutMillis: 1_000, failoverRetry: { withinMillis: 10_000, delayMillis: 50 } });
    const bounded = connect({ url: bothHosts(''), connectTimeoutMillis: 1_000, failoverRetry: { withinMillis: 300 } });
    try {
      const user = await createUser(db);
      await createUser(bounded);
      await adminQuery(pair.replica.adminUrl, 'alter system set default_transaction_read_only = on');
      await adminQuery(pair.replica.adminUrl, 'select pg_reload_conf()');
      await sleep(200);
      // Writable again in a second (the former primary's data went another way: it stays read-only): the call waits
      // for it instead of failing.
      const writable = sleep(1_000).then(async () => {
        await adminQuery(pair.replica.adminUrl, 'alter system reset default_transaction_read_only');
        await adminQuery(pair.replica.adminUrl, 'select pg_reload_conf()');
      });
      const started = performance.now();
      const failedFast = await bounded.users.get(user.id).then(() => bounded.projects.create(user.id, { name: 'bounded' })).catch((error: unknown) => error);
      expect(failedFast).toMatchObject({ name: 'ConnectionError', retryable: true });
      expect(performance.now() - started).toBeLessThan(1_000);
      const project = await db.projects.create(user.id, { name: 'retried' });
      await writable;
      expect(project.name).toBe('retried');
      expect(performance.now() - started).toBeGreaterThan(900);
      expect(db.primaryStatus().host).toBe(`127.0.0.1:${portOf(pair.replica.url)}`);
    } finally {
      await db.close();
      await bounded.close();
    }
  });
});
