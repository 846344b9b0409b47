import type { Kysely } from 'kysely';
import { copyRow } from '../connection/copy-in.ts';
import type { Tables } from '../entities.ts';
import { CopyIn } from '../sql/statement.ts';
import { profileJson, type NewCam } from './new-cams.ts';
import type { ProfilePoint } from './profile-points.ts';

/**
 * Many cams are written in bulk through a staging table: COPY into a temporary table, then one INSERT ... SELECT from
 * it into `cams`. COPY loads rows faster than any statement can carry them (`bench/bulk-paths.ts`); PostgreSQL refuses
 * COPY FROM into a table whose row-level security applies to the role, but not into a temporary table, and the INSERT
 * is then checked by the policies like any other. The table lives in the session's own temporary schema, is dropped
 * at the transaction's end, and each INSERT empties it (the rows it reads are the ones it deletes), so writes of one
 * transaction never see each other's rows.
 */
export const STAGING_TABLE = 'pg_temp.enginecampro_new_cams';

/** The staging table's columns: a new cam's own fields, as COPY parses them. */
export type StagedCam = { name: string; cam_type: string; lift: number; duration: number; profile_points: ProfilePoint[] | null };

/** The tables, and the staging table, as the statements that read it see them. */
export function withStaging(db: Kysely<Tables>) {
  return db.withTables<{ [STAGING_TABLE]: StagedCam }>();
}

/** `COPY <staging table> FROM STDIN`, in the order of `copyChunks()` fields. */
export const copyStagedCams = new CopyIn(STAGING_TABLE, ['name', 'cam_type', 'lift', 'duration', 'profile_points'] satisfies ReadonlyArray<keyof StagedCam>);

/** Rows per chunk of COPY data: the server parses one while the next is encoded. */
const COPY_CHUNK_ROWS = 100;

/** The cams as rows of COPY's text format, a chunk of `COPY_CHUNK_ROWS` at a time, made as the stream asks for them. */
export function* copyChunks(cams: readonly NewCam[]): Generator<string> {
  for (let start = 0; start < cams.length; start += COPY_CHUNK_ROWS) {
    let chunk = '';
    for (let index = start; index < Math.min(start + COPY_CHUNK_ROWS, cams.length); index++) {
      const { name, camType, lift, duration, profilePoints } = cams[index]!;
      chunk += copyRow([name, camType, lift, duration, profileJson(profilePoints)]);
    }
    yield chunk;
  }
}
