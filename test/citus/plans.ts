import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/** A statement as the driver received it. */
export interface SentStatement {
  text: string;
  values: unknown[];
}

const capturing = new AsyncLocalStorage<SentStatement[]>();
const CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;

/**
 * Runs `work` and returns the statements it sent with their values, caught where every one passes (`pg.Client#query`:
 * text and values, or a query object with `text` and `values`, as the package's statements with their transaction
 * settings are). BEGIN, COMMIT and the like are left out.
 */
export async function statementsSentBy(work: () => Promise<unknown>): Promise<SentStatement[]> {
  const prototype = pg.Client.prototype as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  const sent: SentStatement[] = [];
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const [query, values] = args;
    const statement =
      typeof query === 'string'
        ? { text: query, values: Array.isArray(values) ? values : [] }
        : typeof query === 'object' && query !== null && 'text' in query && typeof query.text === 'string'
          ? { text: query.text, values: 'values' in query && Array.isArray(query.values) ? [...query.values] : [] }
          : undefined;
    if (statement && !CONTROL.test(statement.text)) capturing.getStore()?.push(statement);
    return original.apply(this, args);
  };
  try {
    await capturing.run(sent, work);
  } finally {
    prototype.query = original;
  }
  return sent;
}

/** Where Citus runs one statement, from its plan. */
export interface StatementPlacement {
  text: string;
  /** The nodes of its tasks (`host=... port=...`), the coordinator's own steps (`localhost`) left out. */
  nodes: string[];
  /**
   * A router plan: one task on one node, sent there as one statement. Otherwise Citus plans in steps: subplans whose
   * results pass through the coordinator (a modifying CTE), or an INSERT ... SELECT pulled to the coordinator.
   */
  router: boolean;
  /** Not distributed at all: a local temporary table, or no table. */
  local: boolean;
}

const NOT_EXPLAINED = /^\s*(copy|create|drop|set|select set_config)\b/i;

/**
 * The placement of every statement `work` sent, from EXPLAIN on the coordinator (`admin`), in a transaction rolled back
 * after: a statement EXPLAIN cannot take (the staging table's CREATE TEMP TABLE) runs there instead, so the statements
 * after it find the table; COPY is left out (its rows go to that local table).
 */
export async function placementsOf(admin: pg.Client, sent: SentStatement[]): Promise<StatementPlacement[]> {
  const placements: StatementPlacement[] = [];
  await admin.query('begin');
  try {
    for (const { text, values } of sent) {
      if (/^\s*copy\b/i.test(text)) continue;
      if (NOT_EXPLAINED.test(text)) {
        if (/^\s*create\s+temp/i.test(text)) await admin.query(text, values);
        continue;
      }
      // With the values written into the statement, as Citus plans it when it runs (EXPLAIN of an INSERT ... SELECT
      // with parameters fails: "could not create distributed plan").
      const { rows } = await admin.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${withValues(text, values)}`).catch((error: Error) => {
        throw new Error(`EXPLAIN failed (${error.message}): ${text}`, { cause: error });
      });
      placements.push(placementOf(text, rows[0]!['QUERY PLAN']));
    }
  } finally {
    await admin.query('rollback');
  }
  return placements;
}

function placementOf(text: string, plan: unknown): StatementPlacement {
  const nodes = new Set<string>();
  let jobs = 0;
  let tasks = 0;
  let steps = false;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.Node === 'string' && !record.Node.includes('host=localhost')) nodes.add(record.Node.replace(/ dbname=\S+$/, ''));
    if (record['Custom Plan Provider'] === 'Citus INSERT ... SELECT' || 'Subplans' in record) steps = true;
    if (typeof record['Task Count'] === 'number') {
      jobs++;
      tasks += record['Task Count'];
    }
    Object.values(record).forEach(walk);
  };
  walk(plan);
  return { text, nodes: [...nodes], router: jobs === 1 && tasks === 1 && !steps, local: jobs === 0 && !steps };
}

/** `text` with each `$n` replaced by its value as a literal: numbers bare, anything else quoted (objects as JSON). */
function withValues(text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)\b/g, (_, n: string) => {
    const value = values[Number(n) - 1];
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    const literal = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return `'${literal.replaceAll("'", "''")}'`;
  });
}
