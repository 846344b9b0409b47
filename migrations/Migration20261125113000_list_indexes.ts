import { Migration } from '@mikro-orm/migrations';

/** The indexes that keep every list a range scan, whatever the number and scatter of a user's rows. */
const INDEXES = [
  { name: 'projects_user_id_created_at_id_index', definition: 'on "projects" ("user_id", "created_at", "id")' },
  { name: 'projects_user_id_updated_at_id_index', definition: 'on "projects" ("user_id", "updated_at", "id")' },
  { name: 'projects_user_id_name_id_index', definition: 'on "projects" ("user_id", "name", "id")' },
  { name: 'cams_project_id_id_index', definition: 'on "cams" ("project_id", "id")' },
];

/**
 * Builds the list indexes inside the migration's transaction, not `CONCURRENTLY`: a concurrent build cannot run in a
 * transaction, and outside one it could neither share the migration lock (transaction-scoped, to work through
 * poolers) nor be undone with the rest when a later step fails. A plain build blocks writes to the table (not reads)
 * while it runs. On a large installation, build the indexes beforehand with `create index concurrently` (`docs/migrations.md`
 * lists the statements): this migration keeps each index that exists and is valid, and rebuilds one that a failed
 * concurrent build left invalid.
 */
export class Migration20261125113000_list_indexes extends Migration {

  override name = 'Migration20261125113000_list_indexes';

  override up(): void | Promise<void> {
    for (const { name, definition } of INDEXES) {
      this.addSql(`do $$ begin if exists (select from pg_index where indexrelid = to_regclass('"${name}"') and not indisvalid) then drop index "${name}"; end if; end $$;`);
      this.addSql(`create index if not exists "${name}" ${definition};`);
    }
    // Each is served by the first columns of a new index.
    this.addSql(`drop index if exists "projects_user_id_index";`);
    this.addSql(`drop index if exists "cams_project_id_index";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create index if not exists "projects_user_id_index" on "projects" ("user_id");`);
    this.addSql(`create index if not exists "cams_project_id_index" on "cams" ("project_id");`);
    for (const { name } of INDEXES) this.addSql(`drop index if exists "${name}";`);
  }

}
