import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LibraryName } from '../libraries/library.ts';
import type { Scenario } from '../scenarios.ts';
import type { ProbeRequest } from './memory-probe.ts';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));

export interface MemoryMeasurement {
  scenario: string;
  library: LibraryName;
  operations: number;
  /** Resident set after loading the library and one small query. */
  baselineRssMb: number;
  /** `process.resourceUsage().maxRSS` of the child at the end: the most it held during the operations. */
  peakRssMb: number;
  /** Whether the peak was reset before the operations (Linux); otherwise it includes start-up. */
  peakReset: boolean;
}

/**
 * Peak memory of a bulk scenario: each library in a child process of its own, nothing else in it. The caller checks
 * and undoes the writes (`scenario.afterSlice`) once the children it ran side by side are done.
 */
export async function measureMemory(
  request: Omit<ProbeRequest, 'library' | 'scenario'>,
  scenario: Scenario,
  library: LibraryName,
): Promise<MemoryMeasurement> {
  const { stdout } = await run(process.execPath, ['--expose-gc', PROBE, JSON.stringify({ ...request, library, scenario: scenario.id })], { maxBuffer: 1 << 20 });
  const { baselineRssMb, peakRssMb, peakReset } = JSON.parse(stdout) as Pick<MemoryMeasurement, 'baselineRssMb' | 'peakRssMb' | 'peakReset'>;
  return { scenario: scenario.id, library, operations: request.operations, baselineRssMb, peakRssMb, peakReset };
}
