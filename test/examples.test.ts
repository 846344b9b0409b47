import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { databaseUrl } from './support/postgres-server.ts';
import { adminQuery } from './support/test-database.ts';
import { listExamples, resolveExample } from '../scripts/example-names.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

/** Runs `npm run example -- <name>` as a reader would, against a fresh empty database of its own. */
async function runExample(name: string): Promise<string> {
  const database = `${inject('databasePrefix')}example_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${database}`);
  try {
    const { stdout } = await run(process.execPath, [join(root, 'scripts/run-example.ts'), name], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl(inject('postgresAdminUrl'), database) },
    });
    return stdout;
  } finally {
    await adminQuery(`drop database if exists ${database} with (force)`);
  }
}

// Each tutorial runs to the end and prints what it promises; the lines checked are the ones a reader relies on.
describe('the tutorials in examples/', { timeout: 120_000 }, () => {
  it.each<[string, (string | RegExp)[]]>([
    // Named the three ways the script takes: full name, name without its number, number alone.
    ['00-quick-start', ['migrated: Migration', 'read back by e-mail: 1 project, 1 cam', 'upgraded to pro', 'deleted the user: 0 projects left']],
    ['connect', ['package tables present: yes', 'pending migrations: 0', 'tables: cams, enginecampro_db_migrations, projects, users']],
    ['02', ['found by e-mail: John@Example.com with 2 projects', 'upgraded: plan pro', 'deleted: 0 projects and 0 cams left', 'reading it again: NOT_FOUND']],
    ['relationships', ['users.getWithProjects: 1 statement', 'projects.get with cams: 1 statement, 2 cams', 'entities with populate: 3 statements for 3 projects and 6 cams']],
    ['unit-of-work', ['user now pro', 'rolled back: This e-mail address is already taken', 'projects after the rollback: Dual pattern\n', 'now 2 projects: Dual pattern, Dual pattern, variant B', 'mixed on one EntityManager: Intake, revised, 270 degrees, version 3']],
    ['http-service', ['POST /projects -> 201', 'POST /projects -> 400 VALIDATION: 0.camType', 'GET /projects/1 -> 404 NOT_FOUND', 'PATCH /cams/1 -> 409 CONFLICT', 'GET /projects -> 401', 'alice has 1 project']],
    ['migrations', ['1 instance applied the migrations, 2 found nothing left to do', /instance \d applied: Migration\d+_initial/, 'pending: none', 'tables present: true, pending: 0']],
    ['supabase', ['migrations over the direct connection: Migration', 'tables present: true, pending migrations: 0', 'upserted user_supabase']],
    ['host-application', [
      /migrated: the application's CreateUsers, and the package's Migration\d+_initial, .* into "enginecampro"/,
      'application user alice -> package user alice@example.com with 1 project',
      'schema enginecampro: tables present true, pending migrations 0',
      'tables: enginecampro.cams, enginecampro.enginecampro_db_migrations, enginecampro.projects, enginecampro.users, public.mikro_orm_migrations, public.users',
    ]],
    ['cam-profiles', ['max lift 11.43 mm at 180 deg', 'duration at 0.050 in: 196.05 crank deg', 'Exhaust 3 (12.07 mm, 220 deg)', 'tab two refused: Cam 1 is at version 2, not 1', 'reground: v3, 11.94 mm']],
    // Starts a primary and a replica of its own: a replica needs the primary's data directory.
    ['replicas', ['replica in rotation: true', 'plain read, from the replica: replicas@example.com', 'the session reads its own write at once: 1 project', 'replica stopped: 20 of 20 reads answered, replica in rotation: false']],
    ['least-privilege', [
      /the owner applied \d+ migrations and granted cam_app the rows of the tables/,
      'cam_app wrote 40 cams for alice',
      'cam_app altering a table: refused, must be the owner',
      'cam_app counting all projects, acting for nobody: 0',
      'the same count, acting for bob: 1',
      'after revoking: ConfigurationError',
    ]],
    // Needs a Citus coordinator (CITUS_URL); test/citus runs it on one.
    ['citus', [process.env.CITUS_URL ? /example_acme: 5 migrations applied/ : 'skipped: this tutorial needs a Citus coordinator']],
    ['tracing', [/^POST \/sign-up {2}\d+\.\d ms\n {2}users\.upsert {2}\d+\.\d ms\n {2}projects\.create {2}\d+\.\d ms\n {2}cams\.createMany {2}\d+\.\d ms\n/m, /^ {2}cams\.get {2}\d+\.\d ms {2}ERROR NOT_FOUND$/m, 'spans recorded: 6; any with the e-mail address: no']],
  ])('%s', async (name, expected) => {
    const output = await runExample(name);
    for (const line of expected) {
      if (typeof line === 'string') expect(output).toContain(line);
      else expect(output).toMatch(line);
    }
  });

  it('names the examples there are when asked for one that is not', async () => {
    const failure = await run(process.execPath, [join(root, 'scripts/run-example.ts'), 'nonsense'], { cwd: root }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('08-cam-profiles') });
  });

  it('takes every name it lists, without its number, and its number', async () => {
    const failure = await run(process.execPath, [join(root, 'scripts/run-example.ts'), 'nonsense'], { cwd: root }).catch((error: unknown) => error);
    const listed = [...String((failure as { stderr?: unknown }).stderr).matchAll(/^ {2}(\d\d)-(\S+)$/gm)];
    const files = listExamples(join(root, 'examples'));
    expect(listed).toHaveLength(files.length);
    for (const [full, number, bare] of listed) {
      for (const name of [full!.trim(), bare!, number!, `examples/${full!.trim()}.ts`]) {
        expect(resolveExample(files, name), name).toBe(`${full!.trim()}.ts`);
      }
    }
  });

  // As root the embedded server runs as user `postgres`; a temporary directory only root can enter leaves it nowhere
  // to keep its data (nor, from a clone only root can enter, a copy of its binaries).
  it.runIf(process.getuid?.() === 0)('says in one line what to do when the embedded server cannot run', async () => {
    const privateTmp = await mkdtemp(join(tmpdir(), 'enginecampro-private-'));
    try {
      const { DATABASE_URL: _unset, ...inherited } = process.env;
      const env = { ...inherited, TMPDIR: privateTmp };
      const failure = await run(process.execPath, [join(root, 'scripts/run-example.ts'), '00'], { cwd: root, env }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 1 });
      const stderr = String((failure as { stderr?: unknown }).stderr).trim();
      expect(stderr.split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^PostgreSQL must run as user "postgres" .* set TEST_DATABASE_URL \(tests\) or DATABASE_URL \(examples\)/);
    } finally {
      await rm(privateTmp, { recursive: true, force: true });
    }
  });
});
