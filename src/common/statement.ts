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
import { CopyInRows } from '../connection/copy-in.ts';
import { streamsCopyIn } from '../connection/pooled-client.ts';
import { toDataAccessError } from './map-error.ts';
import type { Tables } from './tables.ts';

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
/** The parameters that are lists of rows (`{ cams: CamRow[] }`): a statement may bind each field of each row. */
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

/**
 * What running a statement does, as far as repeating it goes. `createsRows`: every run inserts new rows, so a second
 * run after a lost answer could create them twice; any other statement (a read, an update, an upsert, a delete)
 * leaves the same rows when repeated.
 */
export interface StatementEffect {
  createsRows?: boolean;
}

interface Prepared<Row> {
  compiled: CompiledQuery<Row>;
  /** Each `$n` of the SQL: a parameter read at each run, or a value fixed when the statement was built. */
  slots: ReadonlyArray<Placeholder | { value: unknown }>;
}

/**
 * One SQL statement, built with Kysely against the entity-derived `Tables` and compiled once per schema: each run
 * only binds its parameters, as hand-written SQL with placeholders does. Building and compiling a query costs more
 * than the driver's round trip on loopback, so nothing on a hot path builds one per call.
 */
export class Statement<Params extends StatementParams, Row> {
  readonly #build: (builder: StatementBuilder<Params>) => Compilable<Row>;
  readonly #bySchema = new Map<string, Prepared<Row>>();
  readonly #effect: StatementEffect;

  constructor(build: (builder: StatementBuilder<Params>) => Compilable<Row>, effect: StatementEffect = {}) {
    this.#build = build;
    this.#effect = effect;
  }

  /** Runs the statement on `em`: inside its transaction when it has one, otherwise on a pooled connection. */
  run(em: EntityManager, schema: string, params: Params): Promise<Row[]> {
    const { compiled, slots } = this.#prepared(schema);
    const values = slots.map((slot) => (slot instanceof Placeholder ? slot.read(params as Record<string, unknown>) : slot.value));
    return execute(em, { ...compiled, parameters: values }, this.#effect);
  }

  #prepared(schema: string): Prepared<Row> {
    let prepared = this.#bySchema.get(schema);
    if (!prepared) {
      const compiled = this.#build({ db: builder.withSchema(schema), schema, param, item }).compile();
      const slots = compiled.parameters.map((value) => (value instanceof Placeholder ? value : { value }));
      prepared = { compiled, slots };
      this.#bySchema.set(schema, prepared);
    }
    return prepared;
  }
}

function param<T>(name: string): RawBuilder<T> {
  return sql<T>`${new Placeholder((params) => params[name])}`;
}

function item<T>(list: string, index: number, field: string): RawBuilder<T> {
  return sql<T>`${new Placeholder((params) => (params[list] as Record<string, unknown>[])[index]![field])}`;
}

/**
 * Statements whose shape depends on the call (which filters, which fields a patch sets, how many rows an insert
 * carries): one compiled `Statement` per shape, the shape named by `keyOf`. Where the options a call can combine bound
 * the shapes, all are kept; where they do not (row counts), `maxShapes` keeps the most recently used ones, so repeated
 * shapes (full batches) are compiled once and the others cost one compilation each, as before any cache.
 */
export function statementsByShape<Shape, Params extends StatementParams, Row>(
  keyOf: (shape: Shape) => string,
  build: (builder: StatementBuilder<Params>, shape: Shape) => Compilable<Row>,
  options: StatementEffect & { maxShapes?: number } = {},
): (shape: Shape) => Statement<Params, Row> {
  const { maxShapes = Infinity, ...effect } = options;
  const statements = new Map<string, Statement<Params, Row>>();
  return (shape) => {
    const key = keyOf(shape);
    let statement = statements.get(key);
    if (statement) {
      // A Map iterates in insertion order: moving a used shape to the end leaves the least recently used first.
      statements.delete(key);
    } else {
      statement = new Statement((builder) => build(builder, shape), effect);
      if (statements.size >= maxShapes) statements.delete(statements.keys().next().value!);
    }
    statements.set(key, statement);
    return statement;
  };
}

/**
 * `COPY <table> (<columns>) FROM STDIN` on the caller's EntityManager (inside its transaction when it has one), the
 * columns typed from the entity-derived tables. Only for an EntityManager whose connections stream COPY
 * (`streamsCopyIn(em)`): the package's own pool.
 */
export class CopyIn<Table extends keyof Tables & string> {
  readonly #table: Table;
  readonly #columns: ReadonlyArray<keyof Tables[Table] & string>;
  readonly #bySchema = new Map<string, CompiledQuery>();

  constructor(table: Table, columns: ReadonlyArray<keyof Tables[Table] & string>) {
    this.#table = table;
    this.#columns = columns;
  }

  /** Streams the rows (chunks of the text format, `copyRow()`) into the table. */
  async run(em: EntityManager, schema: string, chunks: Iterable<string>): Promise<void> {
    let compiled = this.#bySchema.get(schema);
    if (!compiled) {
      compiled = sql`copy ${sql.table(`${schema}.${this.#table}`)} (${sql.join(this.#columns.map((column) => sql.id(column)))}) from stdin`.compile(builder);
      this.#bySchema.set(schema, compiled);
    }
    await execute(em, { ...compiled, parameters: [new CopyInRows(chunks)] }, { createsRows: true });
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
async function execute<Row>(em: EntityManager, query: CompiledQuery<Row>, effect: StatementEffect): Promise<Row[]> {
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
    throw toDataAccessError(error, { repeatable: em.isInTransaction() || !effect.createsRows });
  }
}
