import { Migration } from '@mikro-orm/migrations';

const TABLES = ['users', 'projects', 'cams'];

/**
 * Drops the `touch_updated_at` triggers: every write of the package sets `updated_at` in its own statement, and the
 * unit of work sets it on every flushed update. A trigger made an unchanged row's idempotent rewrite look changed (an
 * upsert that locks and returns the latest row must leave `updated_at` alone), and distributed PostgreSQL (Citus)
 * refuses triggers on distributed tables. SQL of your own that updates these tables sets `updated_at = now()` itself.
 */
export class Migration20261203224500_timestamps_in_statements extends Migration {

  override name = 'Migration20261203224500_timestamps_in_statements';

  override up(): void | Promise<void> {
    for (const table of TABLES) {
      this.addSql(`drop trigger if exists "touch_updated_at" on "${table}";`);
      this.addSql(`drop function if exists "${table}_touch_updated_at_fn"();`);
    }
  }

  override down(): void | Promise<void> {
    for (const table of TABLES) {
      this.addSql(`create or replace function "${table}_touch_updated_at_fn"() returns trigger as \$\$ begin if new.updated_at is not distinct from old.updated_at then new.updated_at = now(); end if; return new; end; \$\$ language plpgsql;`);
      this.addSql(`create trigger "touch_updated_at" BEFORE UPDATE on "${table}" for each ROW execute function "${table}_touch_updated_at_fn"();`);
    }
  }

}
