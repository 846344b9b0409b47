// `node bench/compare.ts <before.json> <after.json>`: how far each ratio to raw pg moved between two runs of
// `npm run bench` (e.g. `git show <commit>:bench/results/latest.json > before.json` against the current results).
// The libraries other than ours run the same code in both runs, so how far theirs moved is the noise between runs:
// a change of ours is a change only where it exceeds that.
import { readFile } from 'node:fs/promises';
import type { BenchResults, ScenarioResult } from './report/results.ts';

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  console.error('usage: node bench/compare.ts <before.json> <after.json>');
  process.exit(2);
}
const [before, after] = await Promise.all([beforeFile, afterFile].map(async (file) => JSON.parse(await readFile(file, 'utf8')) as BenchResults));

/** The libraries whose code is the same in every run: raw pg's ratio is 1 by definition, so it is left out. */
const REFERENCES = ['copy', 'mikro-orm', 'drizzle', 'prisma', 'raw-pg-again'] as const;
const key = (row: Pick<ScenarioResult, 'mode' | 'scenario' | 'library'>) => `${row.mode}|${row.scenario}|${row.library}`;
const earlier = new Map(before!.results.map((row) => [key(row), row]));
const fixed = (value: number) => value.toFixed(2);
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${fixed(Math.abs(value))}`;

console.log(`Ratios to raw pg: ${before!.date} (before) against ${after!.date} (after).\n`);
console.log('| mode | scenario | ours before | ours after | change of ours | largest change of a reference library |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const row of after!.results.filter((result) => result.library === 'ours')) {
  const previous = earlier.get(key(row));
  if (!previous) continue;
  const moves = REFERENCES.flatMap((library) => {
    const now = after!.results.find((result) => key(result) === key({ ...row, library }));
    const then = earlier.get(key({ ...row, library }));
    return now && then ? [{ library, change: now.ratioToRawPg - then.ratioToRawPg }] : [];
  });
  const largest = moves.reduce<(typeof moves)[number] | undefined>((top, move) => (!top || Math.abs(move.change) > Math.abs(top.change) ? move : top), undefined);
  console.log(
    `| ${row.mode} | ${row.group}. ${row.title} | ${fixed(previous.ratioToRawPg)} | ${fixed(row.ratioToRawPg)} | ${signed(row.ratioToRawPg - previous.ratioToRawPg)} | ` +
      `${largest ? `${signed(largest.change)} (${largest.library})` : '–'} |`,
  );
}
