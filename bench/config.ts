/**
 * How big the data set is and how long each measurement runs: `--quick` trades precision (fewer users, rounds and
 * operations, bulk writes of 250 cams instead of 1,000) for a run under two minutes.
 */
export interface BenchConfig {
  quick: boolean;
  /** Ordinary users, each with `projectsPerUser` projects of 1 to 3 cams. */
  users: number;
  projectsPerUser: number;
  /** Projects of the one user whose list is paged, and cams of the one project whose cams are listed and exported. */
  largeUserProjects: number;
  largeProjectCams: number;
  /** Cams per `createMany` call. */
  bulkCams: number;
  /** Rounds per scenario: in each, every library runs once, in an order that rotates from round to round. */
  rounds: number;
  /** Rounds of the bulk scenarios, whose operations take up to seconds. */
  bulkRounds: number;
  /** How long one library keeps repeating a scenario in one round (at least one operation). */
  sliceMillis: number;
  /** Bulk operations in each memory-measuring child process. */
  memoryOperations: number;
  /** Operations (over all callers) before the first round, so connections, JIT and caches are warm for every library alike. */
  warmupOperations: number;
}

export function configFromArguments(args: readonly string[]): BenchConfig {
  const quick = args.includes('--quick');
  return {
    quick,
    users: quick ? 1_000 : 10_000,
    projectsPerUser: 2,
    largeUserProjects: 1_000,
    largeProjectCams: 1_000,
    // Eight concurrent bulk writes of 1,000 cams per library alone take a minute: a quick run writes 250 at a time.
    bulkCams: quick ? 250 : 1_000,
    rounds: quick ? 2 : 5,
    bulkRounds: quick ? 1 : 3,
    sliceMillis: quick ? 60 : 250,
    warmupOperations: quick ? 8 : 16,
    memoryOperations: quick ? 1 : 3,
  };
}

/** The two ways the libraries are driven. */
export interface BenchMode {
  name: 'sequential' | 'concurrent';
  title: string;
  poolSize: number;
  callers: number;
}

export const MODES: readonly BenchMode[] = [
  { name: 'sequential', title: 'one connection, one caller', poolSize: 1, callers: 1 },
  { name: 'concurrent', title: 'pool of 4 connections, 8 concurrent callers', poolSize: 4, callers: 8 },
];
