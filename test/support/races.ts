import { expect } from 'vitest';
import { DataAccessError, type Database } from '../../src/index.ts';

/** How many callers each race sends at once: more than a pool (or a pooler's pool) has connections. */
export const CALLERS = 24;

/** The pool of a racing `db`: enough connections for every caller, so the calls really overlap on the server. */
export const RACING_POOL = { pool: { max: CALLERS + 1 } };

type ErrorClass = abstract new (...args: never[]) => DataAccessError;

/** What the callers of one race got back: each call's result, or its error. */
export class Outcomes<T> {
  readonly settled: PromiseSettledResult<T>[];

  constructor(settled: PromiseSettledResult<T>[]) {
    this.settled = settled;
  }

  /** The results of the calls that succeeded (the acknowledged writes), in caller order. */
  get results(): T[] {
    return this.settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  }

  get errors(): unknown[] {
    return this.settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
  }

  /**
   * Asserts that every call either succeeded or failed with one of `allowed`: typed errors that say what happened, never
   * the bare `DataAccessError` of an unforeseen failure nor anything that is not ours. Returns the errors.
   */
  failedOnlyWith(...allowed: ErrorClass[]): unknown[] {
    for (const error of this.errors) {
      expect(error, describe(error)).toBeInstanceOf(DataAccessError);
      expect(error instanceof DataAccessError && error.constructor !== DataAccessError, describe(error)).toBe(true);
      expect(allowed.some((ErrorClass) => error instanceof ErrorClass), describe(error)).toBe(true);
    }
    return this.errors;
  }
}

/**
 * Sends `callers` calls at once (the same request twice, a webhook delivered many times, writes beside a delete) and
 * waits for all of them. Each call is started in the same tick, so they queue for connections together.
 */
export async function race<T>(call: (caller: number) => Promise<T>, callers = CALLERS): Promise<Outcomes<T>> {
  return new Outcomes(await Promise.allSettled(Array.from({ length: callers }, (_, caller) => call(caller))));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Rows the database holds, counted with SQL of the test's own (never through the calls under test). */
export async function countRows(db: Database, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.fork().execute<{ count: number }[]>(`select count(*)::int as count from (${sql}) counted`, params);
  return row!.count;
}

/** Cams whose project is gone, and projects whose user is gone: what no serial order of calls can leave. */
export async function orphans(db: Database): Promise<number> {
  return (
    (await countRows(db, 'select 1 from cams c where not exists (select 1 from projects p where p.id = c.project_id)')) +
    (await countRows(db, 'select 1 from projects p where not exists (select 1 from users u where u.id = p.user_id)'))
  );
}
