-- The SQL of every statement of UserRepository (src/user/user.statements.ts), compiled for schema "public".
-- Written by `npm run sql:generate`: do not edit. Statements compiled per variant are shown for each variant
-- a call can ask for, or for a few row counts where the variant is a number of rows.

-- UserRepository.upsertUser (false)
insert into
  "public"."users" ("id", "email", "updated_at")
select
  $1::varchar as "id",
  $2::varchar as "email",
  now() as "updated_at"
from
  pg_advisory_xact_lock(1701015669, hashtext ($3)) as "serialized"
on conflict ("id") do update
set
  "email" = "excluded"."email",
  "updated_at" = case
    when "public"."users"."email" is distinct from "excluded"."email" then "excluded"."updated_at"
    else "public"."users"."updated_at"
  end
returning
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- UserRepository.upsertUser (true)
insert into
  "public"."users" (
    "id",
    "email",
    "subscription_status",
    "updated_at"
  )
select
  $1::varchar as "id",
  $2::varchar as "email",
  $3::varchar as "subscription_status",
  now() as "updated_at"
from
  pg_advisory_xact_lock(1701015669, hashtext ($4)) as "serialized"
on conflict ("id") do update
set
  "email" = "excluded"."email",
  "subscription_status" = "excluded"."subscription_status",
  "updated_at" = case
    when (
      "public"."users"."email",
      "public"."users"."subscription_status"
    ) is distinct from (
      "excluded"."email",
      "excluded"."subscription_status"
    ) then "excluded"."updated_at"
    else "public"."users"."updated_at"
  end
returning
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- UserRepository.upsertUserRow (false)
insert into
  "public"."users" ("id", "email", "updated_at")
values
  ($1, $2, now())
on conflict ("id") do update
set
  "email" = "excluded"."email",
  "updated_at" = case
    when "public"."users"."email" is distinct from "excluded"."email" then "excluded"."updated_at"
    else "public"."users"."updated_at"
  end
returning
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- UserRepository.upsertUserRow (true)
insert into
  "public"."users" (
    "id",
    "email",
    "subscription_status",
    "updated_at"
  )
values
  ($1, $2, $3::varchar, now())
on conflict ("id") do update
set
  "email" = "excluded"."email",
  "subscription_status" = "excluded"."subscription_status",
  "updated_at" = case
    when (
      "public"."users"."email",
      "public"."users"."subscription_status"
    ) is distinct from (
      "excluded"."email",
      "excluded"."subscription_status"
    ) then "excluded"."updated_at"
    else "public"."users"."updated_at"
  end
returning
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- UserRepository.lockUser
select
  pg_advisory_xact_lock(1701015669, hashtext ($1)) as "locked";

-- UserRepository.findById
select
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  "public"."users"
where
  "public"."users"."id" = $1;

-- UserRepository.findByEmail
select
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  "public"."users"
where
  lower("public"."users"."email") = lower($1);

-- UserRepository.updateUser
update "public"."users"
set
  "email" = coalesce($1, "public"."users"."email"),
  "subscription_status" = coalesce($2, "public"."users"."subscription_status"),
  "updated_at" = now()
where
  "public"."users"."id" = $3
returning
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- UserRepository.deleteUser (false)
delete from "public"."users"
where
  "public"."users"."id" = $1
returning
  "public"."users"."id",
  "public"."users"."email",
  '{}'::int[] as "projectIds";

-- UserRepository.deleteUser (true)
delete from "public"."users"
where
  "public"."users"."id" = $1
returning
  "public"."users"."id",
  "public"."users"."email",
  array(
    (
      select
        "public"."projects"."id"
      from
        "public"."projects"
      where
        "public"."projects"."user_id" = $2
    )
  ) as "projectIds";

-- UserRepository.findWithProjectsByEmail
select
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt",
  coalesce(
    (
      select
        json_agg(
          json_build_object(
            'id',
            "id",
            'userId',
            "user_id",
            'name',
            "name",
            'description',
            "description",
            'createdAt',
            to_char(
              "created_at" at time zone 'UTC',
              'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
            ),
            'updatedAt',
            to_char(
              "updated_at" at time zone 'UTC',
              'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
            ),
            'cams',
            coalesce(
              (
                select
                  json_agg(
                    json_build_object(
                      'id',
                      "id",
                      'projectId',
                      "project_id",
                      'name',
                      "name",
                      'camType',
                      "cam_type",
                      'lift',
                      "lift"::float8,
                      'duration',
                      "duration",
                      'version',
                      "version",
                      'hasProfile',
                      "profile_points" is not null,
                      'createdAt',
                      to_char(
                        "created_at" at time zone 'UTC',
                        'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
                      ),
                      'updatedAt',
                      to_char(
                        "updated_at" at time zone 'UTC',
                        'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
                      )
                    )
                    order by
                      "id"
                  ) as "cams"
                from
                  "public"."cams"
                where
                  "user_id" = "public"."users"."id"
                  and "project_id" = "public"."projects"."id"
              ),
              '[]'
            )
          )
          order by
            "public"."projects"."created_at",
            "public"."projects"."id"
        ) as "projects"
      from
        "public"."projects"
      where
        "public"."projects"."user_id" = "public"."users"."id"
    ),
    '[]'
  ) as "projects"
from
  "public"."users"
where
  lower("public"."users"."email") = lower($1);

-- UserRepository.findWithProjectsById
select
  "id" as "id",
  "email" as "email",
  "subscription_status" as "subscriptionStatus",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt",
  coalesce(
    (
      select
        json_agg(
          json_build_object(
            'id',
            "id",
            'userId',
            "user_id",
            'name',
            "name",
            'description',
            "description",
            'createdAt',
            to_char(
              "created_at" at time zone 'UTC',
              'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
            ),
            'updatedAt',
            to_char(
              "updated_at" at time zone 'UTC',
              'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
            ),
            'cams',
            coalesce(
              (
                select
                  json_agg(
                    json_build_object(
                      'id',
                      "id",
                      'projectId',
                      "project_id",
                      'name',
                      "name",
                      'camType',
                      "cam_type",
                      'lift',
                      "lift"::float8,
                      'duration',
                      "duration",
                      'version',
                      "version",
                      'hasProfile',
                      "profile_points" is not null,
                      'createdAt',
                      to_char(
                        "created_at" at time zone 'UTC',
                        'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
                      ),
                      'updatedAt',
                      to_char(
                        "updated_at" at time zone 'UTC',
                        'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
                      )
                    )
                    order by
                      "id"
                  ) as "cams"
                from
                  "public"."cams"
                where
                  "user_id" = $1
                  and "project_id" = "public"."projects"."id"
              ),
              '[]'
            )
          )
          order by
            "public"."projects"."created_at",
            "public"."projects"."id"
        ) as "projects"
      from
        "public"."projects"
      where
        "public"."projects"."user_id" = $2
    ),
    '[]'
  ) as "projects"
from
  "public"."users"
where
  "public"."users"."id" = $3;
