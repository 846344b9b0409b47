/**
 * `code`s of the errors the package's own connections raise, for faults the driver has no code for. The connection
 * layer raises them; `map-error.ts` turns them into `ConnectionError`s.
 */

/** A statement's answer did not come within `statementTimeoutMillis`: its connection was closed. */
export const STATEMENT_DEADLINE_PASSED = 'ENGINECAMPRO_STATEMENT_DEADLINE';
/** A connection was asked for after the `Database` that owns it was closed. */
export const HANDLE_CLOSED = 'ENGINECAMPRO_HANDLE_CLOSED';
/** A statement was still running when its connection was closed with the handle. */
export const CUT_BY_CLOSE = 'ENGINECAMPRO_CUT_BY_CLOSE';
