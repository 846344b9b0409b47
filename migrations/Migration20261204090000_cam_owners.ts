import { Migration } from '@mikro-orm/migrations';
import { unlessDistributed } from './citus.ts';

/**
 * Each cam carries the owner of its project (`cams.user_id`): ownership is then one column of the row, which every
 * statement compares, row-level security checks and distributed PostgreSQL places cams by. Every cam takes its
 * project's owner. On a large installation, fill the column beforehand with the online steps of docs/migrations.md
 * ("Large tables"): this migration then only fills the cams written since, and the column's NOT NULL is proven by the
 * check those steps validated instead of a scan under an exclusive lock.
 */
export class Migration20261204090000_cam_owners extends Migration {

  override name = 'Migration20261204090000_cam_owners';

  override up(): void | Promise<void> {
    this.addSql(`alter table "cams" add column if not exists "user_id" varchar(255);`);
    this.addSql(`update "cams" set "user_id" = "projects"."user_id" from "projects" where "projects"."id" = "cams"."project_id" and "cams"."user_id" is null;`);
    this.addSql(`alter table "cams" alter column "user_id" set not null;`);
    // What the online steps leave behind, now that the column itself is NOT NULL.
    // Named apart from PostgreSQL 18's own `cams_user_id_not_null`, the constraint of the column's NOT NULL.
    this.addSql(`alter table "cams" drop constraint if exists "cams_user_id_backfilled";`);
    this.addSql(unlessDistributed('cams', `drop trigger if exists "cams_fill_user_id" on "cams";`));
    this.addSql(`drop function if exists "cams_fill_user_id_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "cams" drop column "user_id";`);
  }

}
