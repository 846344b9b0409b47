import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/**
 * The rows of a `COPY ... FROM STDIN`, as chunks of PostgreSQL's text format, sent as the single parameter of that
 * statement. Only the package's own pooled connections (`PoolConnections`) know to stream it; any other client
 * sends it as a bound parameter of a statement that has none, which the server refuses before copying anything.
 */
export class CopyInRows {
  readonly chunks: Iterable<string>;
  constructor(chunks: Iterable<string>) {
    this.chunks = chunks;
  }
}

/** Whether a `pg` query call is a COPY FROM STDIN with its rows: `query(sql, [CopyInRows])`. */
export function copyInRowsOf(args: readonly unknown[]): CopyInRows | undefined {
  const [sql, values] = args;
  return typeof sql === 'string' && Array.isArray(values) && values.length === 1 && values[0] instanceof CopyInRows ? values[0] : undefined;
}

/**
 * Streams the rows into the COPY on `client` and answers as pg answers a statement. The chunks are produced while the
 * server parses the ones before, so the client's encoding and the server's parsing overlap.
 */
export async function streamCopyIn(client: pg.Client, sql: string, rows: CopyInRows): Promise<pg.QueryResult> {
  const copy = client.query(copyStreams.from(sql));
  await pipeline(Readable.from(rows.chunks), copy);
  return { command: 'COPY', rowCount: copy.rowCount, oid: 0, rows: [], fields: [] };
}

/**
 * One row of the text format: tab-separated fields, `\N` for null, and the four characters the format gives a meaning
 * (backslash, tab, newline, carriage return) escaped. The package's validation keeps U+0000 and lone surrogates out of
 * every text, so nothing else needs escaping.
 */
export function copyRow(fields: ReadonlyArray<string | number | null>): string {
  return `${fields.map((field) => (field === null ? '\\N' : typeof field === 'number' ? String(field) : escaped(field))).join('\t')}\n`;
}

const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escaped(text: string): string {
  return text.replace(SPECIAL, (character) => ESCAPES[character]!);
}
