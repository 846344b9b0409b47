import type { SqlEntityManager as EntityManager } from '@mikro-orm/postgresql';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type Compilable,
  type CompiledQuery,
  type RawBuilder,
} from 'kysely';
import { performance } from 'node:perf_hooks';
import { toDataAccessError, type FailedWork } from '../common/map-error.ts';
import { CopyInRows } from '../connection/copy-in.ts';
import { streamsCopyIn } from '../connection/pooled-client.ts';
import { PreparedStatementName } from '../connection/prepared-statement.ts';
import type { Tables } from '../entities.ts';
import { ACTING_EMAIL_SETTING, ACTING_USER_SETTING } from '../common/acting-user.ts';
import { actingUserSettings, type ActingSetting } from './row-security.ts';

/** Builds queries and compiles them to SQL, never runs them: statements run on the caller's EntityManager. */
const builder = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Stands in for a value bound at each run, read from that run's parameters: compiled into a `$n` placeholder like any value. */
class Placeholder {
  readonly read: (params: Record<string, unknown>) => unknown;
  constructor(read: (params: Record<string, unknown>) => unknown) {
    this.read = read;
  }
}

type StatementParams = object;
/** The parameters that are lists of rows (`{ cams: NewCamParams[] }`): a statement may bind each field of each row. */
type ListName<Params> = { [Name in keyof Params]: Params[Name] extends ReadonlyArray<object> ? Name : never }[keyof Params] & string;
type ItemOf<List> = List extends ReadonlyArray<infer Item> ? Item : never;

/** What a statement is built from: the tables in the EntityManager's schema, and placeholders for its parameters. */
export interface StatementBuilder<Params extends StatementParams> {
  db: Kysely<Tables>;
  /** The schema the statement is compiled for, where SQL needs it as a value (`pg_get_serial_sequence`). */
  schema: string;
  /** The value of `params[name]` at each run. Cast it in SQL where PostgreSQL cannot infer its type. */
  param<Name extends keyof Params & string>(name: Name): RawBuilder<Params[Name]>;
  /** The value of `params[list][index][field]` at each run: a statement built for lists of one length (multi-row VALUES). */
  item<List extends ListName<Params>, Field extends keyof ItemOf<Params[List]> & string>(list: List, index: number, field: Field): RawBuilder<ItemOf<Params[List]>[Field]>;
}

/** The string parameters of a statement: where the acting user's id or address can come from. */
type TextParam<Params> = { [Name in keyof Params]: Params[Name] extends string ? Name : never }[keyof Params] & string;

/**
 * What a statement is, besides its SQL:
 * - `actingAs`: the parameter that names the user it acts for, by id or by e-mail address. The package's own
 *   connections set it for the statement's transaction (`acting-user.ts`), which the row-level security policies
 *   compare rows with, so a role that is subject to them sees that user's rows only.
 * - `createsRows`: every run inserts new rows, so a second run after a lost answer could create them twice; any other
 *   statement (a read, an update, an upsert, a delete) leaves the same rows when repeated.
 */
export interface StatementOptions<Params> {
  actingAs: { user: TextParam<Params> } | { email: TextParam<Params> };
  createsRows?: boolean;
}

/** Where a statement runs: the schema it is compiled for, and the table of the repository that runs it. */
export interface StatementTable {
  schema: string;
  name: string;
  /** `"schema"."name"`, as SQL names the table. */
  qualified: string;
}

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** Each `$n` of the SQL: a parameter read at each run, or a value fixed when the statement was built. */
  slots: ReadonlyArray<Placeholder | { value: unknown }>;
  /** The name the package's own connections prepare it under; none for raw SQL (DDL, which is not worth preparing). */
  prepared: PreparedStatementName | undefined;
}

/**
 * One SQL statement, built with Kysely against the entity-derived `Tables` and compiled once per schema: each run
 * only binds its parameters, as hand-written SQL with placeholders does. Building and compiling a query costs more
 * than the driver's round trip on loopback, so nothing on a hot path builds one per call.
 */
export class Statement<Params extends StatementParams, Row> {
  readonly #build: (builder: StatementBuilder<Params>) => Buildable<Row>;
  readonly #bySchema = new Map<string, Compiled<Row>>();
  readonly #options: StatementOptions<Params>;

  /** The setting that names the acting user, and the parameter it is read from. */
  readonly #actingSetting: ActingSetting;
  readonly #actingParam: string;

  constructor(build: (builder: StatementBuilder<Params>) => Buildable<Row>, options: StatementOptions<Params>) {
    this.#build = build;
    this.#options = options;
    const { actingAs } = options;
    [this.#actingSetting, this.#actingParam] = 'user' in actingAs ? [ACTING_USER_SETTING, actingAs.user] : [ACTING_EMAIL_SETTING, actingAs.email];
  }

  /**
   * Runs the statement on `em`, compiled for the schema of `table` (the table of the repository that runs it): inside
   * its transaction when it has one, otherwise on a pooled connection. On the package's own connections, the acting
   * user's setting travels with it in the same round trip, where row-level security applies (`row-security.ts`), and
   * it goes by its name, prepared once per connection (`connect({ preparedStatements })`).
   */
  run(em: EntityManager, table: StatementTable, params: Params): Promise<Row[]> {
    const { query, slots, prepared } = this.#compiled(table.schema);
    const values = slots.map((slot) => (slot instanceof Placeholder ? slot.read(params as Record<string, unknown>) : slot.value));
    if (streamsCopy(em)) {
      // For the package's own connections: the statement's name, then the acting user's setting where it applies.
      if (prepared) values.push(prepared);
      const settings = actingUserSettings(em, table, this.#actingSetting, (params as Record<string, string>)[this.#actingParam]!);
      if (settings) values.push(settings);
    }
    const { userId, projectId } = params as { userId?: string; projectId?: number };
    return execute(em, { ...query, parameters: values }, { createsRows: this.#options.createsRows, referenced: { User: userId, Project: projectId } });
  }

  /** The SQL sent for `schema`, for review (`npm run sql:generate`). */
  sql(schema: string): string {
    return this.#compiled(schema).query.sql;
  }

  #compiled(schema: string): Compiled<Row> {
    let compiled = this.#bySchema.get(schema);
    if (!compiled) {
      const built = this.#build({ db: builder.withSchema(schema), schema, param, item });
      const query = isRaw(built) ? built.compile(builder) : built.compile();
      const slots = query.parameters.map((value) => (value instanceof Placeholder ? value : { value }));
      compiled = { query, slots, prepared: isRaw(built) ? undefined : new PreparedStatementName(query.sql) };
      this.#bySchema.set(schema, compiled);
    }
    return compiled;
  }
}

/** A query built with Kysely's builders, or raw SQL (`sql`...``) for what they do not build (DDL). */
type Buildable<Row> = Compilable<Row> | RawBuilder<Row>;

function isRaw<Row>(built: Buildable<Row>): built is RawBuilder<Row> {
  return 'isRawBuilder' in built;
}

function param<T>(name: string): RawBuilder<T> {
  return sql<T>`${new Placeholder((params) => params[name])}`;
}

function item<T>(list: string, index: number, field: string): RawBuilder<T> {
  return sql<T>`${new Placeholder((params) => (params[list] as Record<string, unknown>[])[index]![field])}`;
}

/** What a variant of a statement is told by: a number (rows a multi-row INSERT carries) or flags and choices. */
type Variant = number | boolean | string | Readonly<Record<string, boolean | string>>;

/**
 * A statement whose SQL depends on the call (a multi-row INSERT's number of rows, a list's ordering): one compiled
 * `Statement` per variant. Where the variants a call can ask for are few, all are kept; where they are not (row
 * counts), `maxVariants` keeps the most recently used ones, so repeated variants (full batches) are compiled once and
 * the others cost one compilation each. `examples` are the variants whose SQL is committed for review.
 */
export class StatementVariants<V extends Variant, Params extends StatementParams, Row> {
  readonly examples: readonly V[];
  readonly #build: (builder: StatementBuilder<Params>, variant: V) => Buildable<Row>;
  readonly #options: StatementOptions<Params>;
  readonly #maxVariants: number;
  readonly #statements = new Map<string, Statement<Params, Row>>();

  constructor(
    build: (builder: StatementBuilder<Params>, variant: V) => Buildable<Row>,
    options: StatementOptions<Params> & { examples: readonly V[]; maxVariants?: number },
  ) {
    const { examples, maxVariants = Infinity, ...statementOptions } = options;
    this.#build = build;
    this.#options = statementOptions;
    this.#maxVariants = maxVariants;
    this.examples = examples;
  }

  /** The statement of each example variant, for review (`npm run sql:generate`). */
  exampleStatements(): { variant: V; statement: Statement<Params, Row> }[] {
    return this.examples.map((variant) => ({ variant, statement: this.of(variant) }));
  }

  /** The statement of one variant, compiled the first time it is asked for. */
  of(variant: V): Statement<Params, Row> {
    const key = typeof variant === 'object' ? Object.values(variant).join(':') : String(variant);
    let statement = this.#statements.get(key);
    if (statement) {
      // A Map iterates in insertion order: moving a used variant to the end leaves the least recently used first.
      this.#statements.delete(key);
    } else {
      statement = new Statement((builder) => this.#build(builder, variant), this.#options);
      if (this.#statements.size >= this.#maxVariants) this.#statements.delete(this.#statements.keys().next().value!);
    }
    this.#statements.set(key, statement);
    return statement;
  }
}

/**
 * `COPY <table> (<columns>) FROM STDIN` on the caller's EntityManager (inside its transaction when it has one). `table`
 * is schema-qualified (a temporary table's `pg_temp.<name>`): the package copies only into staging tables, whose
 * INSERT ... SELECT into its own tables is an ordinary statement. Only for an EntityManager whose connections stream
 * COPY (`streamsCopy(em)`): the package's own pool.
 */
export class CopyIn {
  readonly #compiled: CompiledQuery;

  constructor(table: string, columns: readonly string[]) {
    this.#compiled = sql`copy ${sql.table(table)} (${sql.join(columns.map((column) => sql.id(column)))}) from stdin`.compile(builder);
  }

  /** Streams the rows (chunks of the text format, `copyRow()`) into the table. */
  run(em: EntityManager, chunks: Iterable<string>): Promise<unknown> {
    return execute(em, { ...this.#compiled, parameters: [new CopyInRows(chunks)] }, { createsRows: true });
  }

  /** The SQL sent, for review (`npm run sql:generate`). */
  sql(): string {
    return this.#compiled.sql;
  }
}

/** Whether `em`'s connections stream `COPY ... FROM STDIN`: those of the package's own pool (`connect()`) do. */
export function streamsCopy(em: EntityManager): boolean {
  return streamsCopyIn(em.config.get('driverOptions'));
}

/**
 * Sends one compiled statement through the EntityManager's Kysely (which joins its transaction) and logs it through
 * MikroORM's logger like MikroORM's own queries (with placeholders, never values). Errors become our typed errors;
 * a broken connection inside a transaction takes the whole transaction with it, so repeating the work is then safe.
 */
async function execute<Row>(em: EntityManager, query: CompiledQuery<Row>, effect: { createsRows?: boolean; referenced?: FailedWork['referenced'] }): Promise<Row[]> {
  const logger = em.config.getLogger();
  const logging = logger.isEnabled('query');
  const started = logging ? performance.now() : 0;
  try {
    const { rows } = await em.getKysely<Tables>().executeQuery(query);
    if (logging) {
      logger.logQuery({ query: query.sql, took: Math.round(performance.now() - started), results: rows.length, level: 'info' });
    }
    return rows;
  } catch (error) {
    if (logging) {
      logger.logQuery({ query: query.sql, took: Math.round(performance.now() - started), level: 'error' });
    }
    throw toDataAccessError(error, { repeatable: em.isInTransaction() || !effect.createsRows, referenced: effect.referenced });
  }
}
