/**
 * Installs the package the way a user does and uses it: `npm pack`, then for each MikroORM version of the declared
 * peer range a fresh project in a temporary directory that installs that MikroORM version (the host application),
 * then the tarball, without --legacy-peer-deps and failing on any ERESOLVE, with exactly one copy of kysely in the
 * tree. On the MikroORM version this repository develops against (its devDependency), an ESM TypeScript consumer and
 * a CommonJS consumer each migrate a database of their own and run the CRUD flow, `tsc --noEmit` checks both with
 * strict settings, and the installed `enginecampro-db` command runs. On every other version of the range, `tsc` and
 * the ESM consumer run. The versions come from scripts/mikro-orm-versions.ts (CONSUMER_MIKRO_ORM_VERSIONS overrides).
 * Run after `npm run build`.
 *
 * The database server is TEST_DATABASE_URL when set, otherwise an embedded PostgreSQL started for the run.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { bundledMigrations } from '../migrations/index.ts';
import { databaseUrl, startPostgresServer } from '../test/support/postgres-server.ts';
import { mikroOrmPackages, mikroOrmVersions } from './mikro-orm-versions.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'test/consumer');

interface Manifest {
  name: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** Runs a command, and on failure says which step failed with everything the command printed. */
async function step(label: string, command: string, args: string[], cwd: string): Promise<string> {
  const started = Date.now();
  try {
    const { stdout } = await run(command, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, DATABASE_URL: '' } });
    console.log(`ok   ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${label} failed: ${command} ${args.join(' ')}\n--- stdout\n${stdout}--- stderr\n${stderr}`, { cause: error });
  }
}

function expectLines(label: string, actual: string, expected: string[]): void {
  const lines = actual.trimEnd().split('\n');
  if (JSON.stringify(lines) !== JSON.stringify(expected)) {
    throw new Error(`${label} printed something else.\n--- expected\n${expected.join('\n')}\n--- actual\n${lines.join('\n')}`);
  }
}

/** What a consumer prints for the CRUD flow of the user `<module>_builder`. */
function expectedFlow(module: 'esm' | 'cjs'): string[] {
  return [
    `migrate: ${bundledMigrations.length} applied`,
    'migrate again: 0 applied',
    `create: user ${module}_builder, project "Small-block street cam", cam "Intake lobe" 11.43 mm / 268 deg`,
    `read: ${module}.builder@example.com has 1 project(s)`,
    'update: subscription pro',
    'bulk: 150 cams, in input order: yes',
    'errors: every class keeps its name',
    'delete: 0 users, 0 projects, 0 cams left',
  ];
}

/**
 * `npm install` as a user runs it: peer dependencies resolved strictly, so a conflict is an error and never an
 * override, whatever an .npmrc or the environment says about legacy peer deps.
 */
async function npmInstall(label: string, args: string[], cwd: string): Promise<void> {
  const output = await step(label, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--strict-peer-deps', '--legacy-peer-deps=false', ...args], cwd);
  if (output.includes('ERESOLVE')) throw new Error(`${label} reported ERESOLVE:\n${output}`);
}

/**
 * A fresh project on MikroORM `version`: the host application's own packages first, pinned as a host pins them, then
 * the tarball, whose peers must be met by what the host has. Returns the project directory and the kysely version.
 */
async function createProject(workDir: string, tarball: string, version: string, manifest: Manifest): Promise<{ project: string; kysely: string }> {
  const project = join(workDir, `consumer-mikro-orm-${version}`);
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'enginecampro-db-consumer', private: true, type: 'module' }, null, 2));
  for (const file of ['esm-consumer.ts', 'cjs-consumer.cjs', 'tsconfig.json']) {
    await copyFile(join(fixtures, file), join(project, file));
  }
  // typescript and @types/node at the versions this repository pins, so the check is about our package and MikroORM.
  const tools = ['typescript', '@types/node'].map((name) => `${name}@${manifest.devDependencies[name]}`);
  await npmInstall(`MikroORM ${version}: npm install of MikroORM, typescript and @types/node`, ['--save-exact', ...mikroOrmPackages.map((name) => `${name}@${version}`), ...tools], project);
  await npmInstall(`MikroORM ${version}: npm install of the tarball`, [tarball], project);
  // MikroORM's query builder and ours must be one kysely, or its classes and types would differ between the two.
  const copies = JSON.parse(await step(`MikroORM ${version}: npm query kysely`, 'npm', ['query', '[name=kysely]'], project)) as { version: string; location: string }[];
  if (copies.length !== 1) {
    throw new Error(`MikroORM ${version}: expected one kysely in the tree, found ${copies.map((copy) => `${copy.version} at ${copy.location}`).join(', ') || 'none'}`);
  }
  return { project, kysely: copies[0]!.version };
}

/** Returns the MikroORM versions checked, the fully checked one first. */
async function main(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
  const developed = manifest.devDependencies['@mikro-orm/core']!;
  const { versions, source } = await mikroOrmVersions(manifest.peerDependencies);
  const others = versions.filter((version) => version !== developed);
  console.log(`MikroORM versions checked: ${[developed, ...others].join(', ')} (full check on ${developed}, the devDependency;` +
    ` tsc and the ESM consumer on the others; list from ${source})`);

  const workDir = await mkdtemp(join(tmpdir(), 'enginecampro-db-consumer-'));
  const server = await startPostgresServer();
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  const database = (label: string) => `ecp_consumer_${process.pid}_${label.replace(/\W/g, '_')}`;
  const databases = [database('esm'), database('cjs'), ...others.map((version) => database(`esm_${version}`))];
  let passed = false;
  try {
    console.log(`consumer projects in ${workDir}, PostgreSQL from ${server.source}`);
    for (const name of databases) await admin.query(`create database ${name}`);
    const url = (name: string) => databaseUrl(server.adminUrl, name);
    const esmUrl = url(database('esm'));
    const cjsUrl = url(database('cjs'));

    const packed = JSON.parse(await step('npm pack', 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], root)) as { filename: string }[];
    const tarball = join(workDir, packed[0]!.filename);
    const tsc = (project: string) => [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'];

    const { project, kysely } = await createProject(workDir, tarball, developed, manifest);
    console.log(`     MikroORM ${developed}: kysely ${kysely}, one copy`);
    await step(`MikroORM ${developed}: tsc --noEmit of both consumers (strict, nodenext)`, process.execPath, tsc(project), project);
    expectLines('the ESM consumer', await step(`MikroORM ${developed}: ESM consumer (type-stripped TypeScript)`, process.execPath, ['esm-consumer.ts', esmUrl], project), expectedFlow('esm'));
    expectLines('the CommonJS consumer', await step(`MikroORM ${developed}: CommonJS consumer (require)`, process.execPath, ['cjs-consumer.cjs', cjsUrl], project), expectedFlow('cjs'));

    const bin = join(project, 'node_modules/.bin/enginecampro-db');
    // The ESM consumer installs into the schema `enginecampro`, so this also checks the CLI's --schema.
    const check = await step('installed enginecampro-db check --schema enginecampro', bin, ['check', '--url', esmUrl, '--schema', 'enginecampro'], project);
    if (!check.trimEnd().endsWith('Check passed.')) throw new Error(`enginecampro-db check did not pass:\n${check}`);
    const status = JSON.parse(await step('installed enginecampro-db status --json', bin, ['status', '--json', '--url', cjsUrl], project)) as { pending: string[] };
    if (status.pending.length) throw new Error(`enginecampro-db status reports pending migrations: ${status.pending.join(', ')}`);

    for (const version of others) {
      const started = Date.now();
      const { project, kysely } = await createProject(workDir, tarball, version, manifest);
      await step(`MikroORM ${version}: tsc --noEmit of both consumers`, process.execPath, tsc(project), project);
      const output = await step(`MikroORM ${version}: ESM consumer`, process.execPath, ['esm-consumer.ts', url(database(`esm_${version}`))], project);
      expectLines(`the ESM consumer on MikroORM ${version}`, output, expectedFlow('esm'));
      console.log(`ok   MikroORM ${version} with kysely ${kysely} (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
    }
    passed = true;
  } finally {
    for (const name of databases) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await server.stop();
    // Kept after a failure, to look into.
    if (passed) await rm(workDir, { recursive: true, force: true });
    else console.error(`the consumer projects are kept in ${workDir}`);
  }
  return [developed, ...others];
}

try {
  const checked = await main();
  console.log(`consumer test ok on MikroORM ${checked.join(', ')}`);
} catch (error) {
  console.error(`consumer test FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
