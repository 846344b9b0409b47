import { Migration } from '@mikro-orm/migrations';
import { unlessDistributed } from './citus.ts';

const TABLES = ['users', 'projects', 'cams'];

/** The ISO 8601 text of a timestamp in UTC with microseconds, what every DTO carries; `src/sql/expressions.ts` names it. */
const ISO_TIMESTAMP = `create or replace function "enginecampro_iso_timestamp"(timestamptz) returns text language plpgsql immutable parallel safe set search_path = '' as \$\$ begin return pg_catalog.to_char(pg_catalog.timezone('UTC', $1), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'); end \$\$;`;

/**
 * Timestamps written and returned by statements, as distributed PostgreSQL (Citus) allows them:
 * - Drops the `touch_updated_at` triggers: every write of the package sets `updated_at` in its own statement, and the
 *   unit of work sets it on every flushed update. A trigger made an unchanged row's idempotent rewrite look changed (an
 *   upsert that locks and returns the latest row must leave `updated_at` alone), and Citus refuses triggers on
 *   distributed tables. SQL of your own that updates these tables sets `updated_at = now()` itself.
 * - Creates `enginecampro_iso_timestamp()`, the DTO's text of a timestamp as an IMMUTABLE function: Citus lets RETURNING
 *   hold no other kind, and `to_char` is STABLE (its format could name the month in the session's language; this one
 *   names nothing). Its `search_path` is fixed, and only roles the package grants may run it.
 */
export class Migration20261203224500_timestamps_in_statements extends Migration {

  override name = 'Migration20261203224500_timestamps_in_statements';

  override up(): void | Promise<void> {
    for (const table of TABLES) {
      this.addSql(unlessDistributed(table, `drop trigger if exists "touch_updated_at" on "${table}";`));
      this.addSql(`drop function if exists "${table}_touch_updated_at_fn"();`);
    }
    this.addSql(ISO_TIMESTAMP);
    this.addSql(`revoke all on function "enginecampro_iso_timestamp"(timestamptz) from public;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "enginecampro_iso_timestamp"(timestamptz);`);
    for (const table of TABLES) {
      this.addSql(`create or replace function "${table}_touch_updated_at_fn"() returns trigger as \$\$ begin if new.updated_at is not distinct from old.updated_at then new.updated_at = now(); end if; return new; end; \$\$ language plpgsql;`);
      this.addSql(unlessDistributed(table, `create trigger "touch_updated_at" BEFORE UPDATE on "${table}" for each ROW execute function "${table}_touch_updated_at_fn"();`));
    }
  }

}
