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
  /** `process.resourceUsage().maxRSS` of the child at the end: the most it ever held. */
  peakRssMb: number;
}

/** Peak memory of a bulk scenario: each library in a child process of its own, nothing else in it. */
export async function measureMemory(
  request: Omit<ProbeRequest, 'library' | 'scenario'>,
  scenario: Scenario,
  library: LibraryName,
): Promise<MemoryMeasurement> {
  const { stdout } = await run(process.execPath, [PROBE, JSON.stringify({ ...request, library, scenario: scenario.id })], { maxBuffer: 1 << 20 });
  const { baselineRssMb, peakRssMb } = JSON.parse(stdout) as { baselineRssMb: number; peakRssMb: number };
  await scenario.afterSlice?.(request.operations);
  return { scenario: scenario.id, library, operations: request.operations, baselineRssMb, peakRssMb };
}
