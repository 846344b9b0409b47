import type pg from 'pg';
import type { CommandCompleteMessage, DataRowMessage, RowDescriptionMessage } from 'pg-protocol/dist/messages.js';
import { actingUserRestricts } from '../common/acting-user.ts';

/**
 * Settings of the transaction a statement runs in, set before it (`set_config(name, value, true)`): who is acting, for
 * the row-level security policies. Sent as the last parameter of the statement, which only the package's own
 * connections (`PoolConnections`) recognise: they take it off and send both in one round trip.
 */
export class TransactionSettings {
  readonly entries: ReadonlyArray<readonly [name: string, value: string]>;
  /**
   * Asks, in the same round trip, whether the acting user restricts the session's role on this table (row-level
   * security applies to it, and no all-rows policy covers it), and reports the answer (null when the table is missing).
   */
  readonly probe: RowSecurityProbe | undefined;
  constructor(entries: ReadonlyArray<readonly [name: string, value: string]>, probe?: RowSecurityProbe) {
    this.entries = entries;
    this.probe = probe;
  }
}

export interface RowSecurityProbe {
  /** The table, schema-qualified and quoted as SQL names it. */
  table: string;
  report(active: boolean | null): void;
}

type TypeParser = (oid: number, format: 'text') => (value: string) => unknown;

/**
 * How the statement after the settings is sent by name: `parse` unless the connection holds it already, and `closeFirst`
 * where an earlier attempt failed without saying whether it was parsed (closing a statement the server does not hold
 * is no error).
 */
export interface NamedStatement {
  name: string;
  parse: boolean;
  closeFirst: boolean;
}

/**
 * A statement preceded by `select set_config($1, $2, true), ...` in the same implicit transaction, in one round trip:
 * the extended protocol runs everything up to a Sync in one transaction, so the settings hold for the statement and
 * end with it, which keeps them safe behind transaction poolers. A `pg` Submittable: the client hands it the
 * connection when its turn comes, and the backend's messages as they arrive. The settings' own row is dropped; the
 * statement's rows are parsed with the client's type parsers, as pg's own queries are.
 */
export class StatementWithSettings implements pg.Submittable {
  /** The statement's SQL, as pg's own queries carry it (`text`), for whoever watches the queries a client sends. */
  readonly text: string;
  /** The statement's values, as pg's own queries carry them (`values`), likewise. */
  readonly values: readonly unknown[];
  readonly #settings: TransactionSettings;
  readonly #named: NamedStatement | undefined;
  readonly #typeParser: TypeParser;
  readonly #done: (error: Error | null, result?: pg.QueryResult) => void;
  #settingsDone = false;
  #fields: { name: string; parse: (value: string) => unknown }[] = [];
  readonly #rows: Record<string, unknown>[] = [];
  #command = '';
  #rowCount: number | null = null;
  #settled = false;

  constructor(
    sql: string,
    values: readonly unknown[],
    settings: TransactionSettings,
    named: NamedStatement | undefined,
    typeParser: TypeParser,
    done: (error: Error | null, result?: pg.QueryResult) => void,
  ) {
    this.text = sql;
    this.values = values;
    this.#settings = settings;
    this.#named = named;
    this.#typeParser = typeParser;
    this.#done = done;
  }

  submit(connection: pg.Connection): void {
    const { entries, probe } = this.#settings;
    const setConfig =
      `select ${entries.map((_, index) => `set_config($${2 * index + 1}, $${2 * index + 2}, true)`).join(', ')}` +
      (probe ? `, ${actingUserRestricts(`$${2 * entries.length + 1}`)}` : '');
    const settingValues = probe ? [...entries.flat(), probe.table] : entries.flat();
    // One write for all the messages, as pg does for its own queries.
    connection.stream.cork?.();
    try {
      connection.parse({ name: '', text: setConfig, types: [] }, true);
      connection.bind({ values: settingValues }, true);
      connection.execute({}, true);
      const named = this.#named;
      if (named?.closeFirst) connection.close({ type: 'S', name: named.name }, true);
      if (!named || named.parse) connection.parse({ name: named?.name ?? '', text: this.text, types: [] }, true);
      connection.bind({ statement: named?.name ?? '', values: this.values.map(wireValue) }, true);
      connection.describe({ type: 'P' }, true);
      connection.execute({}, true);
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  }

  handleRowDescription(message: RowDescriptionMessage): void {
    this.#fields = message.fields.map((field) => ({ name: field.name, parse: this.#typeParser(field.dataTypeID, 'text') }));
  }

  handleDataRow(message: DataRowMessage): void {
    if (!this.#settingsDone) {
      // The row of set_config(), and the probe's answer last.
      const { probe } = this.#settings;
      if (probe) {
        const answer = message.fields.at(-1) as string | null;
        probe.report(answer === null ? null : answer === 't');
      }
      return;
    }
    const row: Record<string, unknown> = {};
    this.#fields.forEach((field, index) => {
      const value = message.fields[index] as string | null;
      row[field.name] = value === null ? null : field.parse(value);
    });
    this.#rows.push(row);
  }

  handleCommandComplete(message: CommandCompleteMessage): void {
    if (!this.#settingsDone) {
      this.#settingsDone = true;
      return;
    }
    // `INSERT 0 5`, `UPDATE 5`, `SELECT 5`: the command, and the count last.
    const words = message.text.split(' ');
    this.#command = words[0]!;
    const count = Number(words.at(-1));
    this.#rowCount = Number.isInteger(count) ? count : null;
  }

  handleEmptyQuery(): void {}

  handlePortalSuspended(): void {}

  handleError(error: Error): void {
    this.#settle(error);
  }

  handleReadyForQuery(): void {
    this.#settle(null, { command: this.#command, rowCount: this.#rowCount, oid: 0, rows: this.#rows, fields: [] });
  }

  /** Never a COPY: the package sends COPY on its own (`copy-in.ts`). Refused, so the connection does not wait for data. */
  handleCopyInResponse(connection: pg.Connection): void {
    connection.end();
    this.#settle(new Error('A statement sent with transaction settings asked for COPY data'));
  }

  handleCopyData(): void {}

  #settle(error: Error | null, result?: pg.QueryResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done(error, result);
  }
}

/**
 * A parameter in the text form PostgreSQL parses: what the package's own statements bind (text, numbers, booleans,
 * null, arrays of ids, JSON text), as pg would send it.
 */
function wireValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return `{${value.map((item) => (item === null ? 'NULL' : `"${String(item).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
