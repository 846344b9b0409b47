-- The SQL of every statement of CamRepository (src/cam/cam.statements.ts), compiled for schema "public".
-- Written by `npm run sql:generate`: do not edit. Statements compiled per variant are shown for each variant
-- a call can ask for, or for a few row counts where the variant is a number of rows.

-- CamRepository.insertIntoOwnedProject
insert into
  "public"."cams" (
    "user_id",
    "project_id",
    "name",
    "cam_type",
    "lift",
    "duration",
    "profile_points"
  )
select
  "public"."projects"."user_id",
  "public"."projects"."id",
  $1 as "name",
  $2 as "cam_type",
  $3 as "lift",
  $4 as "duration",
  $5::jsonb as "profile_points"
from
  "public"."projects"
where
  "public"."projects"."id" = $6
  and "public"."projects"."user_id" = $7
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.insertManyIntoOwnedProject (1 row)
insert into
  "public"."cams" (
    "user_id",
    "project_id",
    "name",
    "cam_type",
    "lift",
    "duration",
    "profile_points"
  )
select
  "public"."projects"."user_id",
  "public"."projects"."id",
  "new_cam"."name",
  "new_cam"."camType",
  "new_cam"."lift",
  "new_cam"."duration",
  "new_cam"."profilePoints"
from
  "public"."projects"
  cross join (
    values
      (
        $1::text,
        $2::text,
        $3::numeric,
        $4::int,
        $5::jsonb
      )
  ) as new_cam (
    "name",
    "camType",
    "lift",
    "duration",
    "profilePoints"
  )
where
  "public"."projects"."id" = $6
  and "public"."projects"."user_id" = $7
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.insertManyIntoOwnedProject (2 rows)
insert into
  "public"."cams" (
    "user_id",
    "project_id",
    "name",
    "cam_type",
    "lift",
    "duration",
    "profile_points"
  )
select
  "public"."projects"."user_id",
  "public"."projects"."id",
  "new_cam"."name",
  "new_cam"."camType",
  "new_cam"."lift",
  "new_cam"."duration",
  "new_cam"."profilePoints"
from
  "public"."projects"
  cross join (
    values
      (
        $1::text,
        $2::text,
        $3::numeric,
        $4::int,
        $5::jsonb
      ),
      (
        $6::text,
        $7::text,
        $8::numeric,
        $9::int,
        $10::jsonb
      )
  ) as new_cam (
    "name",
    "camType",
    "lift",
    "duration",
    "profilePoints"
  )
where
  "public"."projects"."id" = $11
  and "public"."projects"."user_id" = $12
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.insertManyIntoCreatedProject (1 row)
insert into
  "public"."cams" (
    "user_id",
    "project_id",
    "name",
    "cam_type",
    "lift",
    "duration",
    "profile_points"
  )
values
  (
    $1::varchar,
    $2::int,
    $3::text,
    $4::text,
    $5::numeric,
    $6::int,
    $7::jsonb
  )
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.insertManyIntoCreatedProject (2 rows)
insert into
  "public"."cams" (
    "user_id",
    "project_id",
    "name",
    "cam_type",
    "lift",
    "duration",
    "profile_points"
  )
values
  (
    $1::varchar,
    $2::int,
    $3::text,
    $4::text,
    $5::numeric,
    $6::int,
    $7::jsonb
  ),
  (
    $8::varchar,
    $9::int,
    $10::text,
    $11::text,
    $12::numeric,
    $13::int,
    $14::jsonb
  )
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.createStaging
create temp table if not exists "pg_temp"."enginecampro_new_cams" (
  name text,
  cam_type text,
  lift numeric,
  duration int,
  profile_points jsonb
) on
commit
drop;

-- CamRepository.copyStagedCams
copy "pg_temp"."enginecampro_new_cams" (
  "name",
  "cam_type",
  "lift",
  "duration",
  "profile_points"
)
from
  stdin;

-- CamRepository.insertStaged (false)
with
  "staged" as (
    delete from "pg_temp"."enginecampro_new_cams"
    returning
      *
  )
insert into
  "public"."cams" (
    "user_id",
    "project_id",
    "name",
    "cam_type",
    "lift",
    "duration",
    "profile_points"
  )
select
  "public"."projects"."user_id",
  "public"."projects"."id",
  "staged"."name",
  "staged"."cam_type",
  "staged"."lift",
  "staged"."duration",
  "staged"."profile_points"
from
  "public"."projects"
  cross join staged as "staged"
where
  "public"."projects"."id" = $1
  and "public"."projects"."user_id" = $2
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.insertStaged (true)
with
  "staged" as (
    delete from "pg_temp"."enginecampro_new_cams"
    returning
      *
  )
insert into
  "public"."cams" (
    "user_id",
    "project_id",
    "name",
    "cam_type",
    "lift",
    "duration",
    "profile_points"
  )
select
  $1::varchar as "user_id",
  $2::int as "project_id",
  "staged"."name",
  "staged"."cam_type",
  "staged"."lift",
  "staged"."duration",
  "staged"."profile_points"
from
  staged as "staged"
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.findOwned
select
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt",
  "profile_points" as "profilePoints"
from
  "public"."cams"
where
  "public"."cams"."id" = $1
  and "public"."cams"."user_id" = $2;

-- CamRepository.listInOwnedProject
select
  "page".*
from
  "public"."projects"
  left join lateral (
    select
      "id" as "id",
      "project_id" as "projectId",
      "name" as "name",
      "cam_type" as "camType",
      "lift"::float8 as "lift",
      "duration" as "duration",
      "version" as "version",
      "profile_points" is not null as "hasProfile",
      to_char(
        "created_at" at time zone 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
      ) as "createdAt",
      to_char(
        "updated_at" at time zone 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
      ) as "updatedAt"
    from
      "public"."cams"
    where
      "public"."cams"."user_id" = $1
      and "public"."cams"."project_id" = $2
      and "public"."cams"."id" > $3
      and (
        $4::text is null
        or "public"."cams"."cam_type" = $5
      )
      and (
        $6::numeric is null
        or "public"."cams"."lift" >= $7
      )
      and (
        $8::numeric is null
        or "public"."cams"."lift" <= $9
      )
      and (
        $10::int is null
        or "public"."cams"."duration" >= $11
      )
      and (
        $12::int is null
        or "public"."cams"."duration" <= $13
      )
    order by
      "public"."cams"."id"
    limit
      $14
  ) as "page" on true
where
  "public"."projects"."id" = $15
  and "public"."projects"."user_id" = $16;

-- CamRepository.updateOwned (name: false, camType: false, lift: false, duration: true, profilePoints: false, expectedVersion: true)
update "public"."cams"
set
  "duration" = $1,
  "version" = "public"."cams"."version" + $2,
  "updated_at" = now()
where
  "public"."cams"."id" = $3
  and "public"."cams"."user_id" = $4
  and "public"."cams"."version" = $5
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt",
  "profile_points" as "profilePoints";

-- CamRepository.updateOwned (name: false, camType: false, lift: true, duration: false, profilePoints: false, expectedVersion: false)
update "public"."cams"
set
  "lift" = $1,
  "version" = "public"."cams"."version" + $2,
  "updated_at" = now()
where
  "public"."cams"."id" = $3
  and "public"."cams"."user_id" = $4
  and (
    "public"."cams"."profile_points" is null
    or abs(
      (
        select
          max((point ->> 'radius')::float8) - min((point ->> 'radius')::float8)
        from
          jsonb_array_elements("public"."cams"."profile_points") point
      ) - $5
    ) <= $6
  )
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt",
  "profile_points" as "profilePoints";

-- CamRepository.updateOwned (name: false, camType: false, lift: false, duration: false, profilePoints: true, expectedVersion: false)
update "public"."cams"
set
  "profile_points" = $1::jsonb,
  "version" = "public"."cams"."version" + $2,
  "updated_at" = now()
where
  "public"."cams"."id" = $3
  and "public"."cams"."user_id" = $4
  and (
    $5::float8 is null
    or abs("public"."cams"."lift"::float8 - $6) <= $7
  )
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.updateOwned (name: true, camType: true, lift: true, duration: true, profilePoints: true, expectedVersion: true)
update "public"."cams"
set
  "name" = $1,
  "cam_type" = $2,
  "lift" = $3,
  "duration" = $4,
  "profile_points" = $5::jsonb,
  "version" = "public"."cams"."version" + $6,
  "updated_at" = now()
where
  "public"."cams"."id" = $7
  and "public"."cams"."user_id" = $8
  and "public"."cams"."version" = $9
returning
  "id" as "id",
  "project_id" as "projectId",
  "name" as "name",
  "cam_type" as "camType",
  "lift"::float8 as "lift",
  "duration" as "duration",
  "version" as "version",
  "profile_points" is not null as "hasProfile",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- CamRepository.findUpdateState
select
  "public"."cams"."version",
  "public"."cams"."lift"::float8 as "lift",
  (
    select
      max((point ->> 'radius')::float8) - min((point ->> 'radius')::float8)
    from
      jsonb_array_elements("public"."cams"."profile_points") point
  ) as "profileLift"
from
  "public"."cams"
where
  "public"."cams"."id" = $1
  and "public"."cams"."user_id" = $2;

-- CamRepository.deleteOwned
delete from "public"."cams"
where
  "public"."cams"."id" = $1
  and "public"."cams"."user_id" = $2
returning
  "public"."cams"."id";
