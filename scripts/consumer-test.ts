/**
 * Installs the package the way a user does and uses it: `npm pack`, a fresh project in a temporary directory,
 * `npm install` of the tarball with its peer dependencies, then an ESM TypeScript consumer and a CommonJS consumer
 * that each migrate a database of their own and run the CRUD flow, `tsc --noEmit` of both with strict settings, and
 * the installed `enginecampro-db` command. Run after `npm run build`.
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
    'delete: 0 users, 0 projects, 0 cams left',
  ];
}

async function createProject(workDir: string, manifest: Manifest): Promise<string> {
  const packed = JSON.parse(await step('npm pack', 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], root)) as { filename: string }[];
  const tarball = join(workDir, packed[0]!.filename);
  const project = join(workDir, 'consumer');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'enginecampro-db-consumer', private: true, type: 'module' }, null, 2));
  for (const file of ['esm-consumer.ts', 'cjs-consumer.cjs', 'tsconfig.json']) {
    await copyFile(join(fixtures, file), join(project, file));
  }
  // The exact versions this repository pins, so the check is about our package and not about a new release elsewhere.
  const peers = Object.entries(manifest.peerDependencies).map(([name, version]) => `${name}@${version}`);
  const tools = ['typescript', '@types/node'].map((name) => `${name}@${manifest.devDependencies[name]}`);
  await step('npm install of the tarball, its peers, typescript and @types/node', 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', tarball, ...peers, ...tools], project);
  return project;
}

async function main(): Promise<void> {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
  const workDir = await mkdtemp(join(tmpdir(), 'enginecampro-db-consumer-'));
  const server = await startPostgresServer();
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  const databases = { esm: `ecp_consumer_${process.pid}_esm`, cjs: `ecp_consumer_${process.pid}_cjs` };
  let passed = false;
  try {
    console.log(`consumer project in ${workDir}, PostgreSQL from ${server.source}`);
    for (const name of Object.values(databases)) await admin.query(`create database ${name}`);
    const esmUrl = databaseUrl(server.adminUrl, databases.esm);
    const cjsUrl = databaseUrl(server.adminUrl, databases.cjs);

    const project = await createProject(workDir, manifest);
    await step('tsc --noEmit of both consumers (strict, nodenext)', process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
    expectLines('the ESM consumer', await step('ESM consumer (type-stripped TypeScript)', process.execPath, ['esm-consumer.ts', esmUrl], project), expectedFlow('esm'));
    expectLines('the CommonJS consumer', await step('CommonJS consumer (require)', process.execPath, ['cjs-consumer.cjs', cjsUrl], project), expectedFlow('cjs'));

    const bin = join(project, 'node_modules/.bin/enginecampro-db');
    const check = await step('installed enginecampro-db check', bin, ['check', '--url', esmUrl], project);
    if (!check.trimEnd().endsWith('Check passed.')) throw new Error(`enginecampro-db check did not pass:\n${check}`);
    const status = JSON.parse(await step('installed enginecampro-db status --json', bin, ['status', '--json', '--url', cjsUrl], project)) as { pending: string[] };
    if (status.pending.length) throw new Error(`enginecampro-db status reports pending migrations: ${status.pending.join(', ')}`);
    passed = true;
  } finally {
    for (const name of Object.values(databases)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await server.stop();
    // Kept after a failure, to look into.
    if (passed) await rm(workDir, { recursive: true, force: true });
    else console.error(`the consumer project is kept in ${workDir}`);
  }
}

try {
  await main();
  console.log('consumer test ok');
} catch (error) {
  console.error(`consumer test FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
