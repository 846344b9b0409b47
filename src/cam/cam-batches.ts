import type { CamValues } from './cam.repository.ts';

/**
 * Cams per INSERT statement (five parameters each), and profile points: a statement stays in the tens of megabytes.
 * The server's cost of a multi-row INSERT grows faster than its rows: one statement of 10,000 profiled cams took more
 * than twice as long as ten of 1,000, and batches of 500 or 2,000 were no faster than 1,000.
 */
const BATCH_CAMS = 1000;
const BATCH_POINTS = 500_000;

/** The cams in input order, cut into the batches that one statement each writes; one empty batch for none. */
export function camBatches<Cam extends Pick<CamValues, 'profilePoints'>>(cams: readonly Cam[]): Cam[][] {
  const batches: Cam[][] = [];
  let current: Cam[] = [];
  let points = 0;
  for (const cam of cams) {
    const size = cam.profilePoints?.length ?? 0;
    if (current.length === BATCH_CAMS || (current.length > 0 && points + size > BATCH_POINTS)) {
      batches.push(current);
      current = [];
      points = 0;
    }
    current.push(cam);
    points += size;
  }
  batches.push(current);
  return batches;
}
