import { connect, type Database } from '../index.ts';
import { parseInvocation } from './arguments.ts';
import { ExitCode } from './exit-codes.ts';
import { commandHelp, globalHelp } from './help.ts';
import { createOutput } from './output.ts';
import { redactDatabaseUrl } from '../connection/database-url.ts';
import { describeFailure } from './report-error.ts';
import { UsageError } from './usage-error.ts';

/** Runs one command line (without the node and script paths) and returns the exit status. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  let url: string | undefined;
  let db: Database | undefined;
  try {
    const invocation = parseInvocation(argv);
    if (invocation.kind === 'help') {
      process.stdout.write(invocation.command ? commandHelp(invocation.command) : globalHelp());
      return ExitCode.success;
    }
    url = invocation.url ?? env.DATABASE_URL;
    if (!url) {
      throw new UsageError('no database URL: pass --url <url> or set DATABASE_URL');
    }
    const schema = invocation.schema ?? env.ENGINECAMPRO_DB_SCHEMA;
    db = connect({ url, schema: schema || undefined });
    return await invocation.command.run({ db, displayUrl: redactDatabaseUrl(url), to: invocation.to, access: invocation.access, out: createOutput(invocation.json) });
  } catch (error) {
    const { message, exitCode } = describeFailure(error, url);
    process.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    // The result is decided and printed; a pool that fails to close has nothing to add to it.
    await db?.close().catch(() => {});
  }
}
