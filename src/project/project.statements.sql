-- The SQL of every statement of ProjectRepository (src/project/project.statements.ts), compiled for schema "public".
-- Written by `npm run sql:generate`: do not edit. Statements compiled per variant are shown for each variant
-- a call can ask for, or for a few row counts where the variant is a number of rows.

-- ProjectRepository.insertProject
insert into
  "public"."projects" ("user_id", "name", "description")
values
  ($1, $2, $3)
returning
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- ProjectRepository.findOwned (false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  "public"."projects"
where
  "public"."projects"."id" = $1
  and "public"."projects"."user_id" = $2;

-- ProjectRepository.findOwned (true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = $2
    ),
    '[]'
  ) as "cams"
from
  "public"."projects"
where
  "public"."projects"."id" = $3
  and "public"."projects"."user_id" = $4;

-- ProjectRepository.listOwned (orderBy: createdAt, direction: asc, withCams: false, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
    order by
      "public"."projects"."created_at" asc,
      "public"."projects"."id" asc
    limit
      $4
  ) as "projects"
order by
  "created_at" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: createdAt, direction: asc, withCams: false, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
      and (
        "public"."projects"."created_at",
        "public"."projects"."id"
      ) > ($4, $5)
    order by
      "public"."projects"."created_at" asc,
      "public"."projects"."id" asc
    limit
      $6
  ) as "projects"
order by
  "created_at" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: createdAt, direction: asc, withCams: true, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
    order by
      "public"."projects"."created_at" asc,
      "public"."projects"."id" asc
    limit
      $5
  ) as "projects"
order by
  "created_at" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: createdAt, direction: asc, withCams: true, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
      and (
        "public"."projects"."created_at",
        "public"."projects"."id"
      ) > ($5, $6)
    order by
      "public"."projects"."created_at" asc,
      "public"."projects"."id" asc
    limit
      $7
  ) as "projects"
order by
  "created_at" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: createdAt, direction: desc, withCams: false, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
    order by
      "public"."projects"."created_at" desc,
      "public"."projects"."id" desc
    limit
      $4
  ) as "projects"
order by
  "created_at" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: createdAt, direction: desc, withCams: false, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
      and (
        "public"."projects"."created_at",
        "public"."projects"."id"
      ) < ($4, $5)
    order by
      "public"."projects"."created_at" desc,
      "public"."projects"."id" desc
    limit
      $6
  ) as "projects"
order by
  "created_at" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: createdAt, direction: desc, withCams: true, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
    order by
      "public"."projects"."created_at" desc,
      "public"."projects"."id" desc
    limit
      $5
  ) as "projects"
order by
  "created_at" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: createdAt, direction: desc, withCams: true, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
      and (
        "public"."projects"."created_at",
        "public"."projects"."id"
      ) < ($5, $6)
    order by
      "public"."projects"."created_at" desc,
      "public"."projects"."id" desc
    limit
      $7
  ) as "projects"
order by
  "created_at" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: updatedAt, direction: asc, withCams: false, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
    order by
      "public"."projects"."updated_at" asc,
      "public"."projects"."id" asc
    limit
      $4
  ) as "projects"
order by
  "updated_at" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: updatedAt, direction: asc, withCams: false, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
      and (
        "public"."projects"."updated_at",
        "public"."projects"."id"
      ) > ($4, $5)
    order by
      "public"."projects"."updated_at" asc,
      "public"."projects"."id" asc
    limit
      $6
  ) as "projects"
order by
  "updated_at" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: updatedAt, direction: asc, withCams: true, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
    order by
      "public"."projects"."updated_at" asc,
      "public"."projects"."id" asc
    limit
      $5
  ) as "projects"
order by
  "updated_at" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: updatedAt, direction: asc, withCams: true, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
      and (
        "public"."projects"."updated_at",
        "public"."projects"."id"
      ) > ($5, $6)
    order by
      "public"."projects"."updated_at" asc,
      "public"."projects"."id" asc
    limit
      $7
  ) as "projects"
order by
  "updated_at" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: updatedAt, direction: desc, withCams: false, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
    order by
      "public"."projects"."updated_at" desc,
      "public"."projects"."id" desc
    limit
      $4
  ) as "projects"
order by
  "updated_at" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: updatedAt, direction: desc, withCams: false, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
      and (
        "public"."projects"."updated_at",
        "public"."projects"."id"
      ) < ($4, $5)
    order by
      "public"."projects"."updated_at" desc,
      "public"."projects"."id" desc
    limit
      $6
  ) as "projects"
order by
  "updated_at" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: updatedAt, direction: desc, withCams: true, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
    order by
      "public"."projects"."updated_at" desc,
      "public"."projects"."id" desc
    limit
      $5
  ) as "projects"
order by
  "updated_at" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: updatedAt, direction: desc, withCams: true, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
      and (
        "public"."projects"."updated_at",
        "public"."projects"."id"
      ) < ($5, $6)
    order by
      "public"."projects"."updated_at" desc,
      "public"."projects"."id" desc
    limit
      $7
  ) as "projects"
order by
  "updated_at" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: name, direction: asc, withCams: false, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
    order by
      "public"."projects"."name" asc,
      "public"."projects"."id" asc
    limit
      $4
  ) as "projects"
order by
  "name" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: name, direction: asc, withCams: false, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
      and (
        "public"."projects"."name",
        "public"."projects"."id"
      ) > ($4, $5)
    order by
      "public"."projects"."name" asc,
      "public"."projects"."id" asc
    limit
      $6
  ) as "projects"
order by
  "name" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: name, direction: asc, withCams: true, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
    order by
      "public"."projects"."name" asc,
      "public"."projects"."id" asc
    limit
      $5
  ) as "projects"
order by
  "name" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: name, direction: asc, withCams: true, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
      and (
        "public"."projects"."name",
        "public"."projects"."id"
      ) > ($5, $6)
    order by
      "public"."projects"."name" asc,
      "public"."projects"."id" asc
    limit
      $7
  ) as "projects"
order by
  "name" asc,
  "id" asc;

-- ProjectRepository.listOwned (orderBy: name, direction: desc, withCams: false, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
    order by
      "public"."projects"."name" desc,
      "public"."projects"."id" desc
    limit
      $4
  ) as "projects"
order by
  "name" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: name, direction: desc, withCams: false, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  to_char(
    "created_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "createdAt",
  to_char(
    "updated_at" at time zone 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
  ) as "updatedAt"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $1
      and (
        $2::text is null
        or projects.name ilike $3
      )
      and (
        "public"."projects"."name",
        "public"."projects"."id"
      ) < ($4, $5)
    order by
      "public"."projects"."name" desc,
      "public"."projects"."id" desc
    limit
      $6
  ) as "projects"
order by
  "name" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: name, direction: desc, withCams: true, after: false)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
    order by
      "public"."projects"."name" desc,
      "public"."projects"."id" desc
    limit
      $5
  ) as "projects"
order by
  "name" desc,
  "id" desc;

-- ProjectRepository.listOwned (orderBy: name, direction: desc, withCams: true, after: true)
select
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
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
        and "project_id" = "pageId"
    ),
    '[]'
  ) as "cams"
from
  (
    select
      "public"."projects".*,
      "public"."projects"."id" as "pageId"
    from
      "public"."projects"
    where
      "public"."projects"."user_id" = $2
      and (
        $3::text is null
        or projects.name ilike $4
      )
      and (
        "public"."projects"."name",
        "public"."projects"."id"
      ) < ($5, $6)
    order by
      "public"."projects"."name" desc,
      "public"."projects"."id" desc
    limit
      $7
  ) as "projects"
order by
  "name" desc,
  "id" desc;

-- ProjectRepository.updateOwned
update "public"."projects"
set
  "name" = coalesce($1, "public"."projects"."name"),
  "description" = case
    when $2 then $3
    else "public"."projects"."description"
  end,
  "updated_at" = now()
where
  "public"."projects"."id" = $4
  and "public"."projects"."user_id" = $5
returning
  "id" as "id",
  "user_id" as "userId",
  "name" as "name",
  "description" as "description",
  "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
  "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt";

-- ProjectRepository.deleteOwned
delete from "public"."projects"
where
  "public"."projects"."id" = $1
  and "public"."projects"."user_id" = $2
returning
  "public"."projects"."id";

-- ProjectRepository.duplicateOwned
with
  "source" as (
    select
      "public"."projects".*
    from
      "public"."projects"
    where
      "public"."projects"."id" = $1
      and "public"."projects"."user_id" = $2
  ),
  "copy" as (
    insert into
      "public"."projects" ("user_id", "name", "description")
    select
      "source"."user_id",
      coalesce($3, left("source"."name" || ' (copy)', 255)) as "name",
      "source"."description"
    from
      "source"
    returning
      "id" as "id",
      "user_id" as "userId",
      "name" as "name",
      "description" as "description",
      "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
      "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt"
  ),
  "written" as (
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
      "copy"."userId",
      "copy"."id",
      "public"."cams"."name",
      "public"."cams"."cam_type",
      "public"."cams"."lift",
      "public"."cams"."duration",
      "public"."cams"."profile_points"
    from
      "copy",
      "source",
      "public"."cams"
    where
      "public"."cams"."user_id" = $4
      and "public"."cams"."project_id" = "source"."id"
    order by
      "public"."cams"."id"
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
      "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt"
  )
select
  "copy".*,
  coalesce(
    (
      select
        json_agg(
          written
          order by
            "written"."id"
        ) as "cams"
      from
        "written"
    ),
    '[]'
  ) as "cams"
from
  "copy";

-- ProjectRepository.insertWithCams (0 rows)
with
  "project" as (
    insert into
      "public"."projects" ("user_id", "name", "description")
    values
      ($1, $2, $3)
    returning
      "id" as "id",
      "user_id" as "userId",
      "name" as "name",
      "description" as "description",
      "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
      "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt"
  ),
  "written" as (
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
      "project"."userId",
      "project"."id",
      "new_cam"."name",
      "new_cam"."camType",
      "new_cam"."lift",
      "new_cam"."duration",
      "new_cam"."profilePoints"
    from
      "project",
      (
        values
          (
            null::text,
            null::text,
            null::numeric,
            null::int,
            null::jsonb
          )
        limit
          0
      ) as new_cam (
        "name",
        "camType",
        "lift",
        "duration",
        "profilePoints"
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
      "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt"
  )
select
  "project".*,
  coalesce(
    (
      select
        json_agg(
          written
          order by
            "written"."id"
        ) as "cams"
      from
        "written"
    ),
    '[]'
  ) as "cams"
from
  "project";

-- ProjectRepository.insertWithCams (1 row)
with
  "project" as (
    insert into
      "public"."projects" ("user_id", "name", "description")
    values
      ($1, $2, $3)
    returning
      "id" as "id",
      "user_id" as "userId",
      "name" as "name",
      "description" as "description",
      "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
      "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt"
  ),
  "written" as (
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
      "project"."userId",
      "project"."id",
      "new_cam"."name",
      "new_cam"."camType",
      "new_cam"."lift",
      "new_cam"."duration",
      "new_cam"."profilePoints"
    from
      "project",
      (
        values
          (
            $4::text,
            $5::text,
            $6::numeric,
            $7::int,
            $8::jsonb
          )
      ) as new_cam (
        "name",
        "camType",
        "lift",
        "duration",
        "profilePoints"
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
      "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt"
  )
select
  "project".*,
  coalesce(
    (
      select
        json_agg(
          written
          order by
            "written"."id"
        ) as "cams"
      from
        "written"
    ),
    '[]'
  ) as "cams"
from
  "project";

-- ProjectRepository.insertWithCams (2 rows)
with
  "project" as (
    insert into
      "public"."projects" ("user_id", "name", "description")
    values
      ($1, $2, $3)
    returning
      "id" as "id",
      "user_id" as "userId",
      "name" as "name",
      "description" as "description",
      "public"."enginecampro_iso_timestamp" ("created_at") as "createdAt",
      "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt"
  ),
  "written" as (
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
      "project"."userId",
      "project"."id",
      "new_cam"."name",
      "new_cam"."camType",
      "new_cam"."lift",
      "new_cam"."duration",
      "new_cam"."profilePoints"
    from
      "project",
      (
        values
          (
            $4::text,
            $5::text,
            $6::numeric,
            $7::int,
            $8::jsonb
          ),
          (
            $9::text,
            $10::text,
            $11::numeric,
            $12::int,
            $13::jsonb
          )
      ) as new_cam (
        "name",
        "camType",
        "lift",
        "duration",
        "profilePoints"
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
      "public"."enginecampro_iso_timestamp" ("updated_at") as "updatedAt"
  )
select
  "project".*,
  coalesce(
    (
      select
        json_agg(
          written
          order by
            "written"."id"
        ) as "cams"
      from
        "written"
    ),
    '[]'
  ) as "cams"
from
  "project";

-- ProjectRepository.findForExport
select
  "public"."projects"."name" as "projectName",
  "public"."projects"."description" as "projectDescription",
  "public"."cams"."name",
  "public"."cams"."cam_type" as "camType",
  "public"."cams"."lift"::float8 as "lift",
  "public"."cams"."duration",
  "public"."cams"."profile_points" as "profilePoints"
from
  "public"."projects"
  left join "public"."cams" on "public"."cams"."user_id" = $1
  and "public"."cams"."project_id" = "public"."projects"."id"
where
  "public"."projects"."id" = $2
  and "public"."projects"."user_id" = $3
order by
  "public"."cams"."id";
