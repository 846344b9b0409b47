import { Migration } from '@mikro-orm/migrations';
import { unlessDistributed } from './citus.ts';

/**
 * The tables, their keys and indexes. The `touch_updated_at` triggers are created only where Citus allows them (not on
 * its distributed tables, as in a schema of schema-based sharding): a later migration drops them anyway.
 */
export class Migration20261124142215_initial extends Migration {

  override name = 'Migration20261124142215_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "users" ("id" varchar(255) not null, "email" varchar(255) not null, "subscription_status" varchar(50) not null default 'free', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create unique index "users_email_lower_unique" on "users" (lower("email"));`);

    this.addSql(`create table "projects" ("id" serial primary key, "user_id" varchar(255) not null, "name" varchar(255) not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "projects_user_id_index" on "projects" ("user_id");`);

    this.addSql(`create table "cams" ("id" serial primary key, "project_id" int not null, "name" varchar(255) not null, "cam_type" varchar(50) not null, "lift" numeric(5,2) not null, "duration" int not null, "profile_points" jsonb null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "cams_project_id_index" on "cams" ("project_id");`);

    this.addSql(`create or replace function "users_touch_updated_at_fn"() returns trigger as \$\$ begin if new.updated_at is not distinct from old.updated_at then new.updated_at = now(); end if; return new; end; \$\$ language plpgsql;`);
    this.addSql(unlessDistributed('users', `create trigger "touch_updated_at" BEFORE UPDATE on "users" for each ROW execute function "users_touch_updated_at_fn"();`));

    this.addSql(`alter table "projects" add constraint "projects_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`create or replace function "projects_touch_updated_at_fn"() returns trigger as \$\$ begin if new.updated_at is not distinct from old.updated_at then new.updated_at = now(); end if; return new; end; \$\$ language plpgsql;`);
    this.addSql(unlessDistributed('projects', `create trigger "touch_updated_at" BEFORE UPDATE on "projects" for each ROW execute function "projects_touch_updated_at_fn"();`));

    this.addSql(`alter table "cams" add constraint "cams_project_id_foreign" foreign key ("project_id") references "projects" ("id") on delete cascade;`);
    this.addSql(`alter table "cams" add constraint "cams_cam_type_check" check ("cam_type" in ('intake', 'exhaust'));`);
    this.addSql(`create or replace function "cams_touch_updated_at_fn"() returns trigger as \$\$ begin if new.updated_at is not distinct from old.updated_at then new.updated_at = now(); end if; return new; end; \$\$ language plpgsql;`);
    this.addSql(unlessDistributed('cams', `create trigger "touch_updated_at" BEFORE UPDATE on "cams" for each ROW execute function "cams_touch_updated_at_fn"();`));
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "projects" drop constraint "projects_user_id_foreign";`);
    this.addSql(`alter table "cams" drop constraint "cams_project_id_foreign";`);

    this.addSql(unlessDistributed('users', `drop trigger if exists "touch_updated_at" on "users";`));
    this.addSql(`drop function if exists "users_touch_updated_at_fn"();`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(unlessDistributed('projects', `drop trigger if exists "touch_updated_at" on "projects";`));
    this.addSql(`drop function if exists "projects_touch_updated_at_fn"();`);
    this.addSql(`drop table if exists "projects" cascade;`);
    this.addSql(unlessDistributed('cams', `drop trigger if exists "touch_updated_at" on "cams";`));
    this.addSql(`drop function if exists "cams_touch_updated_at_fn"();`);
    this.addSql(`drop table if exists "cams" cascade;`);
  }

}
