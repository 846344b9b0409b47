/**
 * What a statement of the package carries as its last parameter, `query(sql, [...values, marker])`, for the package's
 * own connections (`PoolConnections`) alone: they take it off before the statement goes to the server. The marker of
 * this kind, and the statement's values without it; `undefined` for any other call.
 */
export function trailingParameter<Marker>(args: readonly unknown[], kind: new (...args: never[]) => Marker): { marker: Marker; values: unknown[] } | undefined {
  const [sql, values] = args;
  if (typeof sql !== 'string' || !Array.isArray(values) || args.length > 2) return undefined;
  const last: unknown = values.at(-1);
  return last instanceof kind ? { marker: last, values: values.slice(0, -1) } : undefined;
}
