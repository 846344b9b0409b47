/**
 * `npm run example -- failover` (examples/14-failover.ts) runs to its end on a formation of its own and prints what
 * it promises. Like the other failover tests it runs when TEST_FAILOVER=1, as `.ci/run` sets it; the example itself
 * says why and stops where no formation can be had.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

describe('the failover tutorial', () => {
  it.runIf(process.env.TEST_FAILOVER)('fails over and switches back under a writer and a reader', { timeout: 240_000 }, async () => {
    const { stdout } = await run(process.execPath, [join(root, 'scripts/run-example.ts'), 'failover'], { cwd: root, env: { ...process.env, DATABASE_URL: '' } });
    const unavailable = /a pg_auto_failover formation cannot be had here: .*/.exec(stdout);
    if (unavailable) {
      console.log(`skipped: ${unavailable[0]}`);
      return;
    }
    expect(stdout).toContain('primary before: node1, chosen among 2 hosts (read-write)');
    expect(stdout).toContain('after `pg_autoctl perform failover`: primary now node2, switches: 1');
    expect(stdout).toMatch(/first one on the new primary \d+ ms after the command/);
    expect(stdout).toContain('all of them ConnectionError: yes');
    expect(stdout).toContain('the newest project is on the new primary: yes');
    expect(stdout).toContain('after `pg_autoctl perform switchover` with failoverRetry: primary now node1');
  });
});
