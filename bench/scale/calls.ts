import type { Database } from '../../src/index.ts';
import { randomCam } from '../data/lobe.ts';
import { seededRandom } from '../data/random.ts';
import type { ScaleData } from './load.ts';

/** One service call as the scale run times it: `run` performs it once, on the data of one size. */
export interface ScaleCall {
  name: string;
  /** How many times it is timed (the median is reported). */
  times: number;
  /** Writes are explained inside a transaction that is rolled back. */
  writes: boolean;
  prepare?: (db: Database, data: ScaleData) => Promise<unknown>;
  run: (db: Database, data: ScaleData, context: unknown, iteration: number) => Promise<unknown>;
}

const READS = 1_500;
const WRITES = 600;

/** The cursor `pages` pages into a list: the position where a reader who paged that far continues. */
async function cursorAfter<T extends { nextCursor: string | null }>(pages: number, page: (after: string | undefined) => Promise<T>): Promise<string> {
  let after: string | undefined;
  for (let index = 0; index < pages; index++) {
    const next = (await page(after)).nextCursor;
    if (!next) throw new Error(`the list ends before page ${pages + 1}`);
    after = next;
  }
  return after!;
}

const cam = randomCam(seededRandom(11), 'Timed cam');

export const SCALE_CALLS: ScaleCall[] = [
  { name: 'users.get', times: READS, writes: false, run: (db, { typical }) => db.users.get(typical.userId) },
  { name: 'users.getByEmail', times: READS, writes: false, run: (db, { typical }) => db.users.getByEmail(typical.email) },
  { name: 'users.getWithProjects', times: READS, writes: false, run: (db, { typical }) => db.users.getWithProjects(typical.email) },
  { name: 'projects.get with cams', times: READS, writes: false, run: (db, { typical }) => db.projects.get(typical.userId, typical.projectId, { withCams: true }) },
  { name: 'projects.list', times: READS, writes: false, run: (db, { typical }) => db.projects.list(typical.userId) },
  { name: 'projects.list, heavy user, first page', times: READS, writes: false, run: (db, { heavy }) => db.projects.list(heavy.userId) },
  {
    name: 'projects.list, heavy user, page 11',
    times: READS,
    writes: false,
    prepare: (db, { heavy }) => cursorAfter(10, (after) => db.projects.list(heavy.userId, { after })),
    run: (db, { heavy }, after) => db.projects.list(heavy.userId, { after: after as string }),
  },
  {
    name: 'projects.list, heavy user, by name, page 11',
    times: READS,
    writes: false,
    prepare: (db, { heavy }) => cursorAfter(10, (after) => db.projects.list(heavy.userId, { orderBy: 'name', after })),
    run: (db, { heavy }, after) => db.projects.list(heavy.userId, { orderBy: 'name', after: after as string }),
  },
  { name: 'projects.list, heavy user, by updatedAt', times: READS, writes: false, run: (db, { heavy }) => db.projects.list(heavy.userId, { orderBy: 'updatedAt' }) },
  { name: 'projects.list, heavy user, with cams', times: READS, writes: false, run: (db, { heavy }) => db.projects.list(heavy.userId, { withCams: true }) },
  { name: 'cams.get', times: READS, writes: false, run: (db, { heavy }) => db.cams.get(heavy.userId, heavy.camId) },
  { name: 'cams.list, heavy project, first page', times: READS, writes: false, run: (db, { heavy }) => db.cams.list(heavy.userId, heavy.projectId) },
  {
    name: 'cams.list, heavy project, page 11',
    times: READS,
    writes: false,
    prepare: (db, { heavy }) => cursorAfter(10, (after) => db.cams.list(heavy.userId, heavy.projectId, { after })),
    run: (db, { heavy }, after) => db.cams.list(heavy.userId, heavy.projectId, { after: after as string }),
  },
  { name: 'projects.export, 1,000 cams', times: 30, writes: false, run: (db, { heavy }) => db.projects.export(heavy.userId, heavy.projectId) },
  {
    name: 'users.update',
    times: WRITES,
    writes: true,
    run: (db, { typical }, _context, iteration) => db.users.update(typical.userId, { subscriptionStatus: iteration % 2 ? 'pro' : 'free' }),
  },
  {
    name: 'projects.update',
    times: WRITES,
    writes: true,
    run: (db, { typical }, _context, iteration) => db.projects.update(typical.userId, typical.projectId, { name: `Renamed ${iteration}` }),
  },
  {
    name: 'cams.update',
    times: WRITES,
    writes: true,
    run: (db, { heavy }, _context, iteration) => db.cams.update(heavy.userId, heavy.camId, { duration: 250 + (iteration % 10) }),
  },
  { name: 'projects.duplicate', times: WRITES, writes: true, run: (db, { typical }) => db.projects.duplicate(typical.userId, typical.projectId) },
  { name: 'projects.create', times: WRITES, writes: true, run: (db, { typical }) => db.projects.create(typical.userId, { name: 'Created at scale' }) },
  { name: 'cams.create', times: WRITES, writes: true, run: (db, { typical }) => db.cams.create(typical.userId, typical.projectId, cam) },
  {
    name: 'cams.createMany, 10 cams',
    times: WRITES,
    writes: true,
    run: (db, { typical }) => db.cams.createMany(typical.userId, typical.projectId, Array.from({ length: 10 }, () => cam)),
  },
  {
    name: 'projects.delete',
    times: WRITES,
    writes: true,
    prepare: async (db, { typical }) => {
      const ids: number[] = [];
      for (let index = 0; index < WRITES + 1; index++) ids.push((await db.projects.create(typical.userId, { name: 'To delete' })).id);
      return ids;
    },
    run: (db, { typical }, ids, iteration) => db.projects.delete(typical.userId, (ids as number[])[iteration]!),
  },
];
