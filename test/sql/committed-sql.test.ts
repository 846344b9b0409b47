import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sqlSnapshots } from '../../scripts/sql-snapshots.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the SQL committed next to each repository', () => {
  it.each(sqlSnapshots().map(({ file, content }) => [file, content]))('%s is what the code sends (run `npm run sql:generate`)', async (file, content) => {
    expect(await readFile(`${root}${file}`, 'utf8')).toBe(content);
  });
});
