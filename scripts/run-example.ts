/**
 * npm run example [-- <name>]: runs one of the numbered tutorials in examples/ (by number or name, e.g. `crud` or
 * `02`), or the quick start without a name. The examples import the package by its public name, so they run the
 * built package: it is built first when src/ or migrations/ changed since the last build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = readdirSync(`${root}/examples`).filter((file) => /^\d\d-.+\.ts$/.test(file)).sort();
const wanted = process.argv[2] ?? 'quick-start';
const file = examples.find((name) => name.startsWith(`${wanted}-`) || name.replace(/^\d\d-|\.ts$/g, '') === wanted);
if (!file) {
  console.error(`No example "${wanted}". There are:\n${examples.map((name) => `  ${name.replace(/\.ts$/, '')}`).join('\n')}`);
  process.exit(2);
}

if (isBuildStale()) {
  console.log('(building the package first)');
  execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
}
const run = spawnSync(process.execPath, [`${root}/examples/${file}`], { stdio: 'inherit' });
process.exit(run.status ?? 1);

function isBuildStale(): boolean {
  let built: number;
  try {
    built = statSync(`${root}/dist/index.js`).mtimeMs;
  } catch {
    return true;
  }
  return ['src', 'migrations'].some((dir) => newestIn(`${root}/${dir}`) > built);
}

function newestIn(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestIn(`${dir}/${entry.name}`) : statSync(`${dir}/${entry.name}`).mtimeMs,
    ),
  );
}
