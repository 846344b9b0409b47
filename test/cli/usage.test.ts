import { describe, expect, it } from 'vitest';
import { lines, runCli, type CliResult } from './run-cli.ts';

const COMMANDS = ['migrate', 'status', 'rollback', 'check'];

/** A failure reported the way a user should see it: one line on stderr, nothing on stdout, no stack trace. */
function expectOneLineError(result: CliResult, exitCode: number, message: RegExp): void {
  expect(result.exitCode).toBe(exitCode);
  expect(result.stdout).toBe('');
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toMatch(/^enginecampro-db: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('help', () => {
  it('--help lists every command and the exit statuses', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const result = await runCli(args);
      expect(result).toMatchObject({ exitCode: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: enginecampro-db <command> \[options\]/);
      for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
      expect(result.stdout).toContain('--url <url>');
      expect(result.stdout).toContain('Exit status: 0 success, 1 failed operation or check, 2 bad command line');
    }
  });

  it('each command has its own help, which needs no database', async () => {
    for (const command of COMMANDS) {
      const result = await runCli([command, '--help']);
      expect(result).toMatchObject({ exitCode: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^Usage: enginecampro-db ${command}`));
      expect(result.stdout.includes('--to <name>')).toBe(command === 'migrate' || command === 'rollback');
    }
    expect((await runCli(['help', 'rollback'])).stdout).toContain('--to 0 reverts them all');
  });
});

describe('a command line that cannot work exits 2 with one line', () => {
  it.each([
    [[], /no command given/],
    [['upgrade'], /unknown command 'upgrade'/],
    [['help', 'upgrade'], /unknown command 'upgrade'/],
    [['status', '--verbose'], /unknown option '--verbose'/],
    [['migrate', '--shcema', 'tenant_x'], /unknown option '--shcema'/],
    [['status', '--to', 'Migration1'], /'status' does not take --to \(run 'enginecampro-db status --help' for usage\)/],
    [['check', 'now'], /unexpected argument 'now'/],
    [['migrate', '--url'], /argument missing/],
  ])('%j', async (args, message) => {
    expectOneLineError(await runCli(args), 2, message);
  });

  it('without --url or DATABASE_URL', async () => {
    expectOneLineError(await runCli(['status']), 2, /no database URL: pass --url <url> or set DATABASE_URL/);
  });
});

describe('a database URL that cannot work exits 2 with one line that never shows the password', () => {
  it.each([
    ['not a URL', 'definitely not a url', /not a valid URL/],
    ['another scheme', 'mysql://admin:s3cret-pw@db.example.com/cams', /must start with postgres:\/\/ or postgresql:\/\//],
    ['no database', 'postgres://admin:s3cret-pw@db.example.com', /names no database/],
    ['an unknown sslmode', 'postgres://admin:s3cret-pw@db.example.com/cams?sslmode=required', /Unknown sslmode "required"/],
    ['a malformed escape', 'postgres://admin:s3cret-pw%zz@db.example.com/cams', /malformed %-escape/],
  ])('%s', async (_, url, message) => {
    for (const [args, env] of [[['check', '--url', url], {}], [['migrate'], { DATABASE_URL: url }]] as const) {
      const result = await runCli([...args], env);
      expectOneLineError(result, 2, message);
      expect(result.stderr).not.toContain('s3cret-pw');
    }
  });
});
