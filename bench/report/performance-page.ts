// `npm run bench:report [-- <results.json>]`: writes docs/performance.md from the results of a full run of
// `npm run bench` (default bench/results/latest.json). A full run calls it itself; run it after changing the page.
import { readFile, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PERFORMANCE_PAGE, renderPerformancePage } from './performance.ts';
import type { BenchResults } from './results.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = resolve(process.argv[2] ?? `${root}/bench/results/latest.json`);
const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
if (results.run !== 'full' || results.scenarioPrefix !== undefined) {
  console.error(`${file} holds a quick or partial run: the page quotes full runs only`);
  process.exit(2);
}
await writeFile(PERFORMANCE_PAGE, renderPerformancePage(results, relative(root, file).split('\\').join('/')));
console.log(`wrote ${relative(root, fileURLToPath(PERFORMANCE_PAGE))} from ${relative(root, file)}`);
