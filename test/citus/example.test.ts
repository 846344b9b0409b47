import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, inject, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

it('the tutorial examples/13-citus.ts runs on the cluster and prints what it promises', { timeout: 180_000 }, async () => {
  const { stdout } = await run(process.execPath, [join(root, 'scripts/run-example.ts'), 'citus'], {
    cwd: root,
    env: { ...process.env, CITUS_URL: inject('citusUrl') },
  });
  const workers = inject('citusWorkers').map((node) => node.replace(/^host=(\S+) port=(\d+)$/, '$1:$2'));
  for (const tenant of ['example_acme', 'example_globex']) {
    const placed = new RegExp(`^${tenant}: 5 migrations applied; cams, enginecampro_db_migrations, projects, users on (\\S+)$`, 'm').exec(stdout);
    expect(placed, stdout).not.toBeNull();
    expect(workers).toContain(placed![1]);
    expect(stdout).toContain(`${tenant}: owner@${tenant.replace('_', '-')}.example.com has 1 project with 40 cams`);
    expect(stdout).toMatch(new RegExp(`^${tenant}: a user's projects are read by 1 task, on host=\\S+ port=\\d+`, 'm'));
    expect(stdout).toContain(`${tenant}: the same address for another user: This e-mail address is already taken by another user`);
  }
  expect(stdout).toContain('example_by_user: distributed users, projects, cams, user_emails');
  const spread = /^example_by_user: user_1 on (\S+), user_2 on (\S+), user_3 on (\S+)$/m.exec(stdout);
  expect(spread, stdout).not.toBeNull();
  for (const node of spread!.slice(1)) expect(workers).toContain(node);
  expect(stdout).toContain('example_by_user: user_2 found by address, with 1 project and 1 cam');
  expect(stdout).toContain('example_by_user: an address stays unique across the cluster: This e-mail address is already taken by another user');
});
