/**
 * Writes the SQL of every repository statement next to its repository (`npm run sql:generate`). Run it after changing
 * a statement, and commit the files with the change.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sqlSnapshots } from './sql-snapshots.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const { file, content } of sqlSnapshots()) {
  await writeFile(`${root}${file}`, content);
  console.log(`wrote ${file}`);
}
