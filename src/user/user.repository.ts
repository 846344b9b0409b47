import { EntityRepository } from '@mikro-orm/postgresql';
import { jsonObject, runSql, selectList } from '../common/sql.ts';
import { PROJECT_CAMS, projectFields } from '../project/project.fields.ts';
import type { User } from './user.entity.ts';
import { userFields } from './user.fields.ts';
import type { UserDto, UserWithProjectsDto } from './user.schemas.ts';

const USER = selectList(userFields);

/** Every statement on `users`. Each method is one statement and returns DTOs, never entities. */
export class UserRepository extends EntityRepository<User> {
  /**
   * Inserts, or updates what changed. An unchanged user is not written (its `updated_at` stays), and is read back in
   * the same statement: a data-modifying CTE sees the table as it was, so the second branch finds the old row.
   */
  async upsertUser(id: string, email: string, subscriptionStatus: string | undefined): Promise<UserDto> {
    const [user] = await runSql<UserDto>(
      this.em,
      `with written as (
         insert into users as u (id, email, subscription_status) values ($1, $2, coalesce($3, 'free'))
         on conflict (id) do update set email = excluded.email, subscription_status = coalesce($3, u.subscription_status)
         where (u.email, u.subscription_status) is distinct from (excluded.email, coalesce($3, u.subscription_status))
         returning ${USER}
       )
       select * from written
       union all
       select ${USER} from users u where u.id = $1 and not exists (select from written)`,
      [id, email, subscriptionStatus ?? null],
    );
    return user!;
  }

  async findById(id: string): Promise<UserDto | undefined> {
    const [user] = await runSql<UserDto>(this.em, `select ${USER} from users u where u.id = $1`, [id]);
    return user;
  }

  /** Served by the unique index on `lower(email)`. */
  async findByEmail(email: string): Promise<UserDto | undefined> {
    const [user] = await runSql<UserDto>(this.em, `select ${USER} from users u where lower(u.email) = lower($1)`, [email]);
    return user;
  }

  async updateUser(id: string, email: string | undefined, subscriptionStatus: string | undefined): Promise<UserDto | undefined> {
    const [user] = await runSql<UserDto>(
      this.em,
      `update users as u set email = coalesce($2, u.email), subscription_status = coalesce($3, u.subscription_status)
       where u.id = $1 returning ${USER}`,
      [id, email ?? null, subscriptionStatus ?? null],
    );
    return user;
  }

  /** Its projects and their cams go with it (ON DELETE CASCADE). */
  async deleteUser(id: string): Promise<boolean> {
    const deleted = await runSql(this.em, `delete from users u where u.id = $1 returning u.id`, [id]);
    return deleted.length > 0;
  }

  /** The user, its projects (oldest first) and their cams, as one statement whatever their number. */
  async findWithProjectsByEmail(email: string): Promise<UserWithProjectsDto | undefined> {
    const [user] = await runSql<UserWithProjectsDto>(
      this.em,
      `select ${USER}, coalesce((
         select json_agg(${jsonObject({ ...projectFields, cams: PROJECT_CAMS })} order by p.created_at, p.id)
         from projects p where p.user_id = u.id
       ), '[]') as "projects"
       from users u where lower(u.email) = lower($1)`,
      [email],
    );
    return user;
  }
}
