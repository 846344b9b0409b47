import { createHash } from 'node:crypto';

/**
 * The name a statement of the package is prepared under (a named statement of the extended protocol): parsed and
 * planned by the server once per connection, then only bound and executed. Sent as the last parameter of the
 * statement, which only the package's own connections (`PoolConnections`) recognise; they take it off, and send the
 * statement by that name where the handle prepares statements (`connect({ preparedStatements })`), without it where not.
 *
 * The name is a digest of the SQL: the same text always has the same name, in every process and every version of the
 * package, so a server connection that a pooler hands from one client to another can never run another statement under
 * a name a client expects.
 */
export class PreparedStatementName {
  readonly name: string;
  constructor(sql: string) {
    // 63 bytes at most (NAMEDATALEN); 160 bits of SHA-256 leave collisions out of reach.
    this.name = `enginecampro_${createHash('sha256').update(sql).digest('hex').slice(0, 40)}`;
  }
}
