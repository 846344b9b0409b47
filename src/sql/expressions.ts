import { sql, type AliasableExpression, type AliasedExpression, type Expression, type RawBuilder } from 'kysely';

type ValueOf<E> = E extends Expression<infer T> ? T : never;

/** A DTO as SQL: each key of the DTO and the expression that computes it. */
export type Projection = Record<string, AliasableExpression<unknown>>;

/** The select list of a projection, `expression as "key"` for each key: rows come back as DTOs, typed as such. */
export function selection<P extends Projection>(projection: P): Array<{ [Key in keyof P & string]: AliasedExpression<ValueOf<P[Key]>, Key> }[keyof P & string]> {
  return Object.entries(projection).map(([key, expression]) => expression.as(key)) as Array<
    { [Key in keyof P & string]: AliasedExpression<ValueOf<P[Key]>, Key> }[keyof P & string]
  >;
}

/** How a projection writes a timestamp as the ISO 8601 text of its DTO. */
export type TimestampFormat = (timestamp: Expression<Date>) => RawBuilder<string>;

/** A timestamp as ISO 8601 in UTC with microseconds, the form every DTO carries (a JS Date holds only milliseconds). */
export const isoTimestamp: TimestampFormat = (timestamp) => sql<string>`to_char(${timestamp} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The migrations' IMMUTABLE function that writes a timestamp as `isoTimestamp` does. */
const ISO_TIMESTAMP_FUNCTION = 'enginecampro_iso_timestamp';

/**
 * `isoTimestamp` for RETURNING, where distributed PostgreSQL (Citus) allows IMMUTABLE functions only, and `to_char` is
 * STABLE: the package's own function of the same text, in the package's schema. Only the rows a write returns pay its
 * call (about a microsecond a value).
 */
export function isoTimestampInReturning(schema: string): TimestampFormat {
  return (timestamp) => sql<string>`${sql.id(schema, ISO_TIMESTAMP_FUNCTION)}(${timestamp})`;
}

/** A `numeric` as a JS number: pg hands numerics back as strings. */
export function float8<Value extends number | null>(numeric: Expression<Value>): RawBuilder<Value> {
  return sql<Value>`${numeric}::float8`;
}

/** `coalesce(<rows as a JSON array>, '[]')`: a subquery whose single value is a JSON array, empty when it has no rows. */
export function jsonArrayOr<T>(subquery: Expression<unknown>): RawBuilder<T[]> {
  return sql<T[]>`coalesce(${subquery}, '[]')`;
}

/** `json_build_object('key', expression, ...)`: a projection as one JSON value, for nesting with `json_agg`. */
export function jsonObject(projection: Record<string, Expression<unknown>>): RawBuilder<Record<string, unknown>> {
  return sql`json_build_object(${sql.join(Object.entries(projection).map(([key, value]) => sql`${sql.lit(key)}, ${value}`))})`;
}
