/**
 * npm run example [-- <name>]: runs one of the numbered tutorials in examples/ (by full name, name or number:
 * `02-crud`, `crud` or `02`), or the quick start without a name. The examples import the package by its public name,
 * so they run the built package: it is built first when src/ or migrations/ changed since the last build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exampleName, listExamples, resolveExample } from './example-names.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = listExamples(`${root}/examples`);
const wanted = process.argv[2] ?? 'quick-start';
const file = resolveExample(examples, wanted);
if (!file) {
  console.error(`No example "${wanted}". There are:\n${examples.map((name) => `  ${exampleName(name)}`).join('\n')}`);
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
