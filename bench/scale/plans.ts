import pg from 'pg';

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
/** What is sent but not explained: the transaction settings sent ahead of a statement, in its round trip, and COPY. */
const NOT_EXPLAINED = /^\s*(select set_config\(|copy\b)/i;

type ConnectionMethods = Record<'query' | 'parse' | 'bind', (this: unknown, ...args: unknown[]) => unknown>;

/**
 * Runs `work` and returns the statements it sent, with their values, caught where every one passes: pg's
 * `Connection`, as a simple query (no parameters) or parsed and then bound. A wrapper of `pg.Client#query` would miss
 * the values of the package's statements, which go out after their transaction settings in one round trip (a
 * Submittable holding its values to itself). Never while timing: the wrappers cost time.
 */
export async function statementsSentBy(work: () => Promise<unknown>): Promise<SentStatement[]> {
  const prototype = pg.Connection.prototype as unknown as ConnectionMethods;
  const original = { query: prototype.query, parse: prototype.parse, bind: prototype.bind };
  const sent: SentStatement[] = [];
  const explained = (text: string) => !CONTROL.test(text) && !NOT_EXPLAINED.test(text);
  // The statement parsed last, which the next Bind gives its values: pg sends Parse and Bind one after the other.
  let parsed: string | undefined;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const text = args[0] as string;
    if (explained(text)) sent.push({ text, values: [] });
    return original.query.apply(this, args);
  };
  prototype.parse = function (this: unknown, ...args: unknown[]) {
    parsed = (args[0] as { text: string }).text;
    return original.parse.apply(this, args);
  };
  prototype.bind = function (this: unknown, ...args: unknown[]) {
    if (parsed !== undefined && explained(parsed)) sent.push({ text: parsed, values: (args[0] as { values?: unknown[] }).values ?? [] });
    parsed = undefined;
    return original.bind.apply(this, args);
  };
  try {
    await work();
  } finally {
    Object.assign(prototype, original);
  }
  return sent;
}

interface PlanNode {
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

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

function describe(node: PlanNode): string {
  const target = node['Index Name'] ?? node['Relation Name'];
  return target ? `${node['Node Type']} (${target})` : node['Node Type'];
}
