-- The SQL of every statement of UserRepository (src/user/user-email.statements.ts), compiled for schema "public".
-- Written by `npm run sql:generate`: do not edit. Statements compiled per variant are shown for each variant
-- a call can ask for, or for a few row counts where the variant is a number of rows.

-- UserRepository.claimEmail
insert into
  "public"."user_emails" ("email", "user_id")
values
  (lower($1), $2)
on conflict ("email") do update
set
  "user_id" = "excluded"."user_id"
where
  "public"."user_emails"."user_id" = "excluded"."user_id"
returning
  "public"."user_emails"."user_id" as "userId";

-- UserRepository.releaseEmail
delete from "public"."user_emails"
where
  "public"."user_emails"."email" = lower($1)
  and "public"."user_emails"."user_id" = $2
  and "public"."user_emails"."email" is distinct from lower($3)
returning
  "public"."user_emails"."user_id" as "userId";

-- UserRepository.findEmailOwner
select
  "public"."user_emails"."user_id" as "userId"
from
  "public"."user_emails"
where
  "public"."user_emails"."email" = lower($1);
