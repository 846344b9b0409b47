import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/index.ts';
import { parseDatabaseUrl, redactDatabaseUrl } from '../../src/connection/database-url.ts';

describe('parseDatabaseUrl', () => {
  it('decodes every part of a URL', () => {
    const url = parseDatabaseUrl('postgresql://app%40corp:p%40ss%2Fw0rd@db.example.com:6543/cam%20data?sslmode=require');
    expect(url).toMatchObject({ host: 'db.example.com', port: 6543, user: 'app@corp', password: 'p@ss/w0rd', database: 'cam data' });
    expect(url.params.get('sslmode')).toBe('require');
  });

  it('defaults the port to 5432 and takes a Unix socket directory from ?host=', () => {
    expect(parseDatabaseUrl('postgres://localhost/app')).toMatchObject({ host: 'localhost', port: 5432, user: undefined, password: undefined });
    expect(parseDatabaseUrl('postgres:///app?host=/var/run/postgresql').host).toBe('/var/run/postgresql');
  });

  it.each([
    ['not a url', /not a valid URL/],
    ['mysql://root:secret@localhost/app', /must start with postgres/],
    ['postgres://root:secret@localhost', /names no database/],
    ['postgres://root:%E0%A4%A@localhost/app', /malformed %-escape/],
  ])('refuses %s with a ConfigurationError that does not repeat the password', (url, message) => {
    const attempt = () => parseDatabaseUrl(url);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(/secret/);
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactDatabaseUrl('postgres://app:s3cr%40t@db:5432/x?sslmode=require')).toBe('postgres://app:*****@db:5432/x?sslmode=require');
    expect(redactDatabaseUrl('postgres://db:5432/x')).toBe('postgres://db:5432/x');
    expect(redactDatabaseUrl('postgres://u:open@sesame@host/db')).toBe('postgres://u:*****@host/db');
    expect(redactDatabaseUrl('not a url with secret')).not.toContain('secret');
  });
});
