import { copyRow } from '../connection/copy-in.ts';
import { CopyIn } from '../sql/statement.ts';
import { NEW_CAM_COLUMNS, profileJson, type NewCam } from './new-cams.ts';

/** `COPY cams (id, <the columns of new cams>) FROM STDIN`: ids are taken from the sequence first, to read the rows back. */
export const copyCams = new CopyIn('cams', ['id', ...NEW_CAM_COLUMNS]);

/** Rows per chunk of COPY data: the server parses one while the next is encoded. */
const COPY_CHUNK_ROWS = 100;

/** The cams as rows of COPY's text format, a chunk of `COPY_CHUNK_ROWS` at a time, made as the stream asks for them. */
export function* copyChunks(ids: readonly number[], userId: string, projectId: number, cams: readonly NewCam[]): Generator<string> {
  for (let start = 0; start < cams.length; start += COPY_CHUNK_ROWS) {
    let chunk = '';
    for (let index = start; index < Math.min(start + COPY_CHUNK_ROWS, cams.length); index++) {
      const { name, camType, lift, duration, profilePoints } = cams[index]!;
      chunk += copyRow([ids[index]!, userId, projectId, name, camType, lift, duration, profileJson(profilePoints)]);
    }
    yield chunk;
  }
}
