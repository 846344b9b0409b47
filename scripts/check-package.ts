/**
 * Checks what `npm pack` would publish: the built code (with the compiled migrations inside it), its types, the
 * `enginecampro-db` command line, README, CHANGELOG, LICENSE and package.json, and nothing else. Run after
 * `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const expected = ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'dist/index.d.ts', 'dist/index.js', 'package.json'];

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' })) as {
  files: { path: string }[];
}[];
const files = pack!.files.map((file) => file.path).sort();
const missing = expected.filter((file) => !files.includes(file));
const unexpected = files.filter((file) => !expected.includes(file));

const migrationsBundled = /name: "Migration\d{14}_initial", class: Migration\d{14}_initial/.test(readFileSync('dist/index.js', 'utf8'));

// The command line must run as an executable and load the published entry, not carry a second copy of the package.
const cli = readFileSync('dist/cli.js', 'utf8');
const { bin } = JSON.parse(readFileSync('package.json', 'utf8')) as { bin?: Record<string, string> };
const cliProblems: string[] = [];
if (!cli.startsWith('#!/usr/bin/env node\n')) cliProblems.push('dist/cli.js does not start with #!/usr/bin/env node');
if (!/from "\.\/index\.js"/.test(cli)) cliProblems.push('dist/cli.js does not import ./index.js');
if (/Migration\d{14}_initial/.test(cli)) cliProblems.push('dist/cli.js bundles its own copy of the migrations');
if (bin?.['enginecampro-db'] !== 'dist/cli.js') cliProblems.push('package.json has no bin "enginecampro-db": "dist/cli.js"');

if (missing.length || unexpected.length || !migrationsBundled || cliProblems.length) {
  console.error('The package would not ship what consumers need:');
  if (missing.length) console.error(`  missing: ${missing.join(', ')}`);
  if (unexpected.length) console.error(`  unexpected: ${unexpected.join(', ')}`);
  if (!migrationsBundled) console.error('  dist/index.js does not contain the bundled migrations');
  for (const problem of cliProblems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`package contents ok: ${files.join(', ')}`);
