/**
 * Checks what `npm pack` would publish: the built code (with the compiled migrations inside it), its types, README,
 * CHANGELOG, LICENSE and package.json, and nothing else. Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const expected = ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json'];

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' })) as {
  files: { path: string }[];
}[];
const files = pack!.files.map((file) => file.path).sort();
const missing = expected.filter((file) => !files.includes(file));
const unexpected = files.filter((file) => !expected.includes(file));

const migrationsBundled = /name: "Migration\d{14}_initial", class: Migration\d{14}_initial/.test(readFileSync('dist/index.js', 'utf8'));

if (missing.length || unexpected.length || !migrationsBundled) {
  console.error('The package would not ship what consumers need:');
  if (missing.length) console.error(`  missing: ${missing.join(', ')}`);
  if (unexpected.length) console.error(`  unexpected: ${unexpected.join(', ')}`);
  if (!migrationsBundled) console.error('  dist/index.js does not contain the bundled migrations');
  process.exit(1);
}
console.log(`package contents ok: ${files.join(', ')}`);
