import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The command line's source entry: Node runs it directly by stripping the types. */
const entry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `enginecampro-db <args>` in a child process, as a user's shell would. `DATABASE_URL` is taken out of the
 * inherited environment so that only what a test passes in `env` can point the command at a database.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { env: childEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** The lines of an output, without the final newline. */
export function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}
