import { DataAccessError } from '../index.ts';
import { ExitCode } from './exit-codes.ts';
import { PROGRAM } from './help.ts';
import { UsageError } from './usage-error.ts';

/**
 * Turns a failure into the one line printed on stderr and the exit status. Never a stack trace: every error that
 * reaches here is about the command line, the configuration or the database, not about this program.
 */
export function describeFailure(error: unknown, url: string | undefined): { message: string; exitCode: ExitCode } {
  if (error instanceof UsageError) {
    const help = error.command ? `${PROGRAM} ${error.command} --help` : `${PROGRAM} --help`;
    return { message: `${PROGRAM}: ${error.message} (run '${help}' for usage)`, exitCode: ExitCode.usage };
  }
  const text = error instanceof Error ? error.message : String(error);
  // Our configuration errors mean nothing was attempted, like a bad command line.
  const exitCode = error instanceof DataAccessError && error.code === 'CONFIGURATION' ? ExitCode.usage : ExitCode.failure;
  return { message: `${PROGRAM}: ${withoutSecrets(firstLine(text), url)}`, exitCode };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

/**
 * The package's messages never repeat the URL or its password, and the server's do not either; masking here as well
 * keeps that true for any message, whatever produced it.
 */
function withoutSecrets(text: string, url: string | undefined): string {
  return passwordsOf(url).reduce((masked, secret) => masked.replaceAll(secret, '*****'), text);
}

/** The password as the URL writes it and decoded, as `connect()` reads it: a message may quote either. */
function passwordsOf(url: string | undefined): string[] {
  const written = url === undefined || !URL.canParse(url) ? '' : new URL(url).password;
  if (!written) return [];
  let decoded = written;
  try {
    decoded = decodeURIComponent(written);
  } catch {
    // a malformed %-escape: connect() refuses such a URL, and the written form is all a message could hold
  }
  return [...new Set([written, decoded])];
}
