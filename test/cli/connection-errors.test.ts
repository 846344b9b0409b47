import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/test-database.ts';
import { lines, runCli, type CliResult } from './run-cli.ts';

const PASSWORD = 'definitely-wrong-password';

/** Exit 1 and a single `ConnectionError` line on stderr, without a stack trace or the password. */
function expectConnectionFailure(result: CliResult, detail: RegExp): void {
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toBe('');
  expect(lines(result.stderr)).toEqual([expect.stringMatching(/^enginecampro-db: Cannot connect to the database: /)]);
  expect(result.stderr).toMatch(detail);
  expect(result.stderr).not.toContain(PASSWORD);
}

describe('a server that cannot be used', () => {
  const database = useTestDatabase();

  it('an unreachable server fails every command with exit 1', async () => {
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    const url = `postgres://cam_admin:${PASSWORD}@127.0.0.1:1/cams`;
    for (const command of ['migrate', 'status', 'rollback', 'check']) {
      for (const json of [[], ['--json']]) {
        expectConnectionFailure(await runCli([command, '--url', url, ...json]), /ECONNREFUSED/);
      }
    }
  });

  it('a refused login fails with exit 1', async () => {
    // An unknown role is refused whatever the server's authentication method.
    const url = new URL(database.url);
    url.username = 'no_such_role';
    url.password = PASSWORD;
    expectConnectionFailure(await runCli(['check', '--url', url.href]), /no_such_role/);
  });

  it('a wrong password for an existing role fails with exit 1', async (context) => {
    const url = new URL(database.url);
    url.password = PASSWORD;
    if (await loginSucceeds(url.href)) {
      context.skip('this server lets the role in without checking its password (trust authentication)');
    }
    expectConnectionFailure(await runCli(['migrate', '--url', url.href]), /password authentication failed/);
  });

  it('a database that does not exist fails with exit 1', async () => {
    const url = new URL(database.url);
    url.pathname = '/no_such_database';
    expectConnectionFailure(await runCli(['status', '--url', url.href]), /no_such_database/);
  });
});

async function loginSucceeds(url: string): Promise<boolean> {
  const client = new pg.Client(url);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
