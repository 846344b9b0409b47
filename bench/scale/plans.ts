import pg from 'pg';
import { StatementWithSettings } from '../../src/connection/transaction-settings.ts';
import { queriesOf } from '../../test/support/statement-counter.ts';

/** A statement as the driver received it. */
export interface SentStatement {
  text: string;
  values: unknown[];
}

/** What PostgreSQL did for one statement: its plan's node types, the buffers it touched, any sequential scan. */
export interface StatementPlan {
  text: string;
  nodes: string[];
  buffers: number;
  seqScans: string[];
}

const CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;
/** What is sent but not explained: COPY, whose rows are not a statement's values. */
const NOT_EXPLAINED = /^\s*copy\b/i;

/**
 * Runs `work` and returns the statements it sent, with their values (`queriesOf`): as text and values, as a query
 * config (`{ text, values }`), or as the package's `StatementWithSettings` (a statement sent after its transaction
 * settings in one round trip, whose `text` and `values` are the statement's own). Never while timing.
 */
export async function statementsSentBy(work: () => Promise<unknown>): Promise<SentStatement[]> {
  const { queries } = await queriesOf(work);
  return queries.flatMap(({ query, values }) => {
    const statement = typeof query === 'string' ? { text: query, values: values ?? [] } : sentStatementOf(query);
    return statement && !CONTROL.test(statement.text) && !NOT_EXPLAINED.test(statement.text) ? [statement] : [];
  });
}

function sentStatementOf(query: unknown): SentStatement | undefined {
  if (query instanceof StatementWithSettings) return { text: query.text, values: [...query.values] };
  if (typeof query === 'object' && query !== null && 'text' in query && typeof query.text === 'string') {
    return { text: query.text, values: 'values' in query && Array.isArray(query.values) ? query.values : [] };
  }
  return undefined;
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/**
 * `explain (analyze, buffers)` of each statement, inside a transaction that is rolled back, so a write explained
 * changes nothing. The statement runs for real: the buffers are those of an actual execution. Each is explained twice
 * and the second kept: the first execution on a new connection also reads the catalog (relations, indexes, triggers)
 * into the session's caches, buffers that a warm connection, like the timed calls', never touches.
 */
export async function explain(url: string, statements: SentStatement[]): Promise<StatementPlan[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const plans: StatementPlan[] = [];
    for (const { text, values } of statements) {
      await explainOnce(client, text, values);
      const root = await explainOnce(client, text, values);
      const nodes = flatten(root);
      plans.push({
        text,
        nodes: nodes.map(describe),
        buffers: (root['Shared Hit Blocks'] ?? 0) + (root['Shared Read Blocks'] ?? 0),
        seqScans: nodes.filter((node) => node['Node Type'] === 'Seq Scan').map((node) => node['Relation Name'] ?? '?'),
      });
    }
    return plans;
  } finally {
    await client.end();
  }
}

/** The plan of one execution of the statement, in a transaction rolled back afterwards. */
async function explainOnce(client: pg.Client, text: string, values: unknown[]): Promise<PlanNode> {
  await client.query('begin');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (analyze, buffers, format json) ${text}`, values);
    return rows[0]!['QUERY PLAN'][0].Plan;
  } finally {
    await client.query('rollback');
  }
}

export function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

export function describe(node: PlanNode): string {
  const target = node['Index Name'] ?? node['Relation Name'];
  return target ? `${node['Node Type']} (${target})` : node['Node Type'];
}
