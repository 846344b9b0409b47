/**
 * How big the data set is and how long each measurement runs: `--quick` trades precision (fewer users, rounds and
 * operations, bulk work on 100 and 250 cams instead of 100, 1,000 and 10,000) for a run of a few minutes.
 * `--scenario <id prefix>` runs only the scenarios whose id starts with it (e.g. `create-many`).
 */
export interface BenchConfig {
  quick: boolean;
  /** Ordinary users, each with `projectsPerUser` projects of 1 to 3 cams. */
  users: number;
  projectsPerUser: number;
  /** Projects of the one user whose list is paged, and cams of the one project whose cams are listed and exported. */
  largeUserProjects: number;
  largeProjectCams: number;
  /** Cams per bulk operation (createMany, export, import): each size is a scenario of its own. */
  bulkSizes: readonly number[];
  /** Only the scenarios whose id starts with this, when given: a partial run, never written as the full results. */
  scenarioPrefix: string | undefined;
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
  const scenarioAt = args.indexOf('--scenario');
  return {
    quick,
    users: quick ? 1_000 : 10_000,
    projectsPerUser: 2,
    largeUserProjects: 1_000,
    largeProjectCams: 1_000,
    // Eight concurrent bulk writes of 10,000 cams per library take minutes: a quick run writes 250 at most.
    bulkSizes: quick ? [100, 250] : [100, 1_000, 10_000],
    scenarioPrefix: scenarioAt === -1 ? undefined : args[scenarioAt + 1],
    rounds: quick ? 2 : 5,
    bulkRounds: quick ? 1 : 3,
    sliceMillis: quick ? 60 : 250,
    warmupOperations: quick ? 8 : 16,
    memoryOperations: 1,
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
