import { createCopy } from './copy.ts';
import { createDrizzle } from './drizzle.ts';
import type { BenchData } from '../data/seed.ts';
import { runsEveryScenario, type AnyLibrary, type LibraryName, type LibraryOptions } from './library.ts';
import { createMikroOrm } from './mikro-orm.ts';
import { createOurs } from './ours.ts';
import { createRawPg } from './raw-pg.ts';

export interface OpenedLibraries {
  libraries: AnyLibrary[];
  /** Libraries that could not run here, and why: reported, never replaced by something else. */
  unavailable: { name: LibraryName; reason: string }[];
}

const FACTORIES: Record<LibraryName, (options: LibraryOptions) => Promise<AnyLibrary>> = {
  ours: async (options) => createOurs(options),
  'ours-granted': async (options) => createOurs(options, 'ours-granted'),
  'ours-unprepared': async (options) => createOurs(options, 'ours-unprepared'),
  'raw-pg': async (options) => createRawPg(options),
  'raw-pg-again': async (options) => createRawPg(options, 'raw-pg-again'),
  copy: async (options) => createCopy(options),
  'mikro-orm': async (options) => createMikroOrm(options),
  drizzle: async (options) => createDrizzle(options),
  // Imported only when asked for: its generated client must exist, and a failure here must not stop the others.
  prisma: async (options) => (await import('./prisma.ts')).createPrisma(options),
};

/** Opens each library with its own pool of `poolSize` connections, and proves it can reach the database. */
export async function openLibraries(names: readonly LibraryName[], options: LibraryOptions, probe: (library: AnyLibrary) => Promise<unknown>): Promise<OpenedLibraries> {
  const opened: OpenedLibraries = { libraries: [], unavailable: [] };
  for (const name of names) {
    try {
      const library = await FACTORIES[name](options);
      await probe(library);
      opened.libraries.push(library);
    } catch (error) {
      opened.unavailable.push({ name, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    }
  }
  return opened;
}

/** One small call that proves a library reaches the seeded database: a cam, or for `COPY` the smallest export. */
export function firstCall(data: BenchData): (library: AnyLibrary) => Promise<unknown> {
  const [smallest] = Object.entries(data.sourceProjectIds).sort(([a], [b]) => Number(a) - Number(b));
  return (library) => (runsEveryScenario(library) ? library.getCam(data.camPicks[0]!.userId, data.camPicks[0]!.camId) : library.exportProject(data.bulkUserId, smallest![1]));
}
