import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/index.ts';
import { createOrmConfig } from '../../src/connection/orm-config.ts';
import { resolveSsl, sslFromMode } from '../../src/connection/ssl.ts';

let dir: string;
let rootCert: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecp-ssl-'));
  rootCert = join(dir, 'root.crt');
  await writeFile(rootCert, '-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sslmode, with the meaning libpq gives it', () => {
  it('disable and allow connect in plain text', () => {
    expect(sslFromMode('disable')).toBe(false);
    expect(sslFromMode('allow')).toBe(false);
  });

  it('require (and prefer) encrypt without checking the certificate', () => {
    expect(sslFromMode('require')).toEqual({ rejectUnauthorized: false });
    expect(sslFromMode('prefer')).toEqual({ rejectUnauthorized: false });
  });

  it('require with a root certificate checks the chain, like verify-ca', () => {
    const ssl = sslFromMode('require', { sslrootcert: rootCert });
    expect(ssl).toMatchObject({ ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(ssl).not.toHaveProperty('rejectUnauthorized');
    expect(ssl && ssl.checkServerIdentity?.('db.example.com', {} as never)).toBeUndefined();
  });

  it('verify-ca checks the chain but not the host name', () => {
    const ssl = sslFromMode('verify-ca');
    expect(ssl).not.toHaveProperty('rejectUnauthorized');
    expect(ssl && typeof ssl.checkServerIdentity).toBe('function');
  });

  it('verify-full leaves Node to check both chain and host name', () => {
    expect(sslFromMode('verify-full')).toEqual({});
    expect(sslFromMode('verify-full', { sslrootcert: rootCert })).toEqual({ ca: expect.stringContaining('root') });
  });

  it('refuses an unknown mode and an unreadable certificate file', () => {
    expect(() => sslFromMode('required')).toThrow(ConfigurationError);
    expect(() => sslFromMode('verify-full', { sslrootcert: join(dir, 'missing.crt') })).toThrow(/sslrootcert/);
  });
});

describe('the ssl option and the URL', () => {
  it('reads sslmode and sslrootcert from the URL into the driver options', () => {
    const config = createOrmConfig({ url: `postgres://u:p@db.example.com/app?sslmode=verify-full&sslrootcert=${rootCert}` });
    expect(config.driverOptions).toMatchObject({ ssl: { ca: expect.stringContaining('root') } });
    expect(createOrmConfig({ url: 'postgres://u:p@h/app?sslmode=require' }).driverOptions).toMatchObject({
      ssl: { rejectUnauthorized: false },
    });
  });

  it('connects in plain text when the URL says nothing, as the pg driver does', () => {
    expect(resolveSsl(undefined, new URLSearchParams())).toBe(false);
    expect(resolveSsl(undefined, new URLSearchParams('ssl=true'))).toEqual({});
  });

  it('lets the ssl option override the URL', () => {
    const params = new URLSearchParams('sslmode=require');
    expect(resolveSsl(false, params)).toBe(false);
    expect(resolveSsl('verify-full', params)).toEqual({});
    expect(resolveSsl(true, new URLSearchParams())).toEqual({});
    expect(resolveSsl({ servername: 'db' }, params)).toEqual({ servername: 'db' });
  });
});
