import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { ConfigurationError } from '../common/errors.ts';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** What `connect({ ssl })` accepts: a libpq `sslmode`, `true`/`false`, or Node's own TLS options. */
export type SslOption = boolean | SslMode | TlsOptions;

interface SslFiles {
  sslrootcert?: string | null;
  sslcert?: string | null;
  sslkey?: string | null;
}

/**
 * Maps an `sslmode` to Node TLS options with libpq's meaning, which is what Supabase, Neon and RDS connection strings
 * are written for: `require` encrypts without checking the certificate (unless a root certificate is given, then it
 * checks the chain like `verify-ca`), `verify-ca` checks the chain but not the host name, `verify-full` checks both.
 * `allow` and `prefer` fall back to plain text in libpq; the pg driver cannot fall back, so `allow` connects in plain
 * text and `prefer` encrypts like `require`.
 */
export function sslFromMode(mode: string, files: SslFiles = {}): false | TlsOptions {
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new ConfigurationError(`Unknown sslmode "${mode}": expected one of ${SSL_MODES.join(', ')}`);
  }
  if (mode === 'disable' || mode === 'allow') {
    return false;
  }
  const certificates: TlsOptions = {};
  if (files.sslrootcert) certificates.ca = readCertificate(files.sslrootcert, 'sslrootcert');
  if (files.sslcert) certificates.cert = readCertificate(files.sslcert, 'sslcert');
  if (files.sslkey) certificates.key = readCertificate(files.sslkey, 'sslkey');

  const checksChain = mode === 'verify-ca' || mode === 'verify-full' || certificates.ca !== undefined;
  if (!checksChain) {
    return { ...certificates, rejectUnauthorized: false };
  }
  if (mode === 'verify-full') {
    return certificates;
  }
  return { ...certificates, checkServerIdentity: () => undefined };
}

/** Resolves the `ssl` option of `connect()`; it takes precedence over `sslmode` in the URL. */
export function resolveSsl(option: SslOption | undefined, urlParams: URLSearchParams): false | TlsOptions {
  const files = {
    sslrootcert: urlParams.get('sslrootcert'),
    sslcert: urlParams.get('sslcert'),
    sslkey: urlParams.get('sslkey'),
  };
  if (option === undefined) {
    const mode = urlParams.get('sslmode') ?? (urlParams.get('ssl') === 'true' ? 'verify-full' : 'disable');
    return sslFromMode(mode, files);
  }
  if (option === true) return sslFromMode('verify-full', files);
  if (option === false) return false;
  if (typeof option === 'string') return sslFromMode(option, files);
  return option;
}

function readCertificate(path: string, parameter: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigurationError(`Cannot read the ${parameter} file ${path}`, { cause });
  }
}
