// Runs in a child process: one bulk scenario of one library, so the peak resident set size is that work's alone.
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { configFromArguments } from '../config.ts';
import type { BenchData } from '../data/seed.ts';
import { makeWriteInputs } from '../data/write-inputs.ts';
import { firstCall, openLibraries } from '../libraries/index.ts';
import type { LibraryName } from '../libraries/library.ts';
import { defineScenarios, runScenario } from '../scenarios.ts';

export interface ProbeRequest {
  url: string;
  library: LibraryName;
  scenario: string;
  operations: number;
  arguments: string[];
  dataFile: string;
}

const request = JSON.parse(process.argv[2]!) as ProbeRequest;
const config = configFromArguments(request.arguments);
const data = JSON.parse(readFileSync(request.dataFile, 'utf8')) as BenchData;
const admin = new pg.Pool({ connectionString: request.url, max: 1 });
const scenario = defineScenarios({ config, data, inputs: makeWriteInputs(config, data), admin }).find((s) => s.id === request.scenario)!;
const { libraries, unavailable } = await openLibraries([request.library], { url: request.url, poolSize: 1 }, firstCall(data));
const library = libraries[0];
if (!library) throw new Error(unavailable[0]?.reason ?? 'library unavailable');
// Loaded, connected and warm: what is resident now is the library and its input, not the bulk operation. The peak so
// far (module loading, generating the input) is forgotten, so the peak read at the end is the operation's own.
(globalThis as { gc?: () => void }).gc?.();
const peakReset = resetPeakRss();
const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
for (let iteration = 0; iteration < request.operations; iteration++) {
  const turn = { caller: 0, iteration };
  scenario.check(await runScenario(scenario, library, turn), turn);
}
const peakRssMb = process.resourceUsage().maxRSS / 1024;
await library.close();
await admin.end();
process.stdout.write(JSON.stringify({ baselineRssMb, peakRssMb, peakReset }));

/**
 * Linux resets a process's peak resident set size (what `maxRSS` reports) to its current one when "5" is written to
 * /proc/self/clear_refs. Elsewhere the peak includes start-up, and the report says so.
 */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
