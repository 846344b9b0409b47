import { sql, type AliasableExpression, type AliasedExpression, type Expression, type RawBuilder } from 'kysely';

type ValueOf<E> = E extends Expression<infer T> ? T : never;

/** A DTO as SQL: each key of the DTO and the expression that computes it. */
export type Shape = Record<string, AliasableExpression<unknown>>;

/** The select list of a shape, `expression as "key"` for each key: rows come back as DTOs, typed as such. */
export function selection<S extends Shape>(shape: S): Array<{ [Key in keyof S & string]: AliasedExpression<ValueOf<S[Key]>, Key> }[keyof S & string]> {
  return Object.entries(shape).map(([key, expression]) => expression.as(key)) as Array<
    { [Key in keyof S & string]: AliasedExpression<ValueOf<S[Key]>, Key> }[keyof S & string]
  >;
}

/** A timestamp as ISO 8601 in UTC with microseconds, the form every DTO carries (a JS Date holds only milliseconds). */
export function isoTimestamp(timestamp: Expression<Date>): RawBuilder<string> {
  return sql<string>`to_char(${timestamp} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** A `numeric` as a JS number: pg hands numerics back as strings. */
export function float8<Value extends number | null>(numeric: Expression<Value>): RawBuilder<Value> {
  return sql<Value>`${numeric}::float8`;
}

/** `coalesce(<rows as a JSON array>, '[]')`: a subquery whose single value is a JSON array, empty when it has no rows. */
export function jsonArrayOr<T>(subquery: Expression<unknown>): RawBuilder<T[]> {
  return sql<T[]>`coalesce(${subquery}, '[]')`;
}

/** `json_build_object('key', expression, ...)`: a shape as one JSON value, for nesting with `json_agg`. */
export function jsonObject(shape: Record<string, Expression<unknown>>): RawBuilder<Record<string, unknown>> {
  return sql`json_build_object(${sql.join(Object.entries(shape).map(([key, value]) => sql`${sql.lit(key)}, ${value}`))})`;
}
