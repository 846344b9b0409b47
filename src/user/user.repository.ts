import { Repository } from '../sql/repository.ts';
import type { User } from './user.entity.ts';
import type { UserDto, UserWithProjectsDto } from './user.schemas.ts';
import { USER_STATEMENTS as statements } from './user.statements.ts';

/** The statements on `users`. Each method is one statement and returns DTOs, never entities. */
export class UserRepository extends Repository<User> {
  async upsertUser(id: string, email: string, subscriptionStatus: string | undefined): Promise<UserDto> {
    const [user] = await this.run(statements.upsertUser.of(subscriptionStatus !== undefined), { id, email, subscriptionStatus });
    return user!;
  }

  async findById(id: string): Promise<UserDto | undefined> {
    const [user] = await this.run(statements.findById, { id });
    return user;
  }

  async findByEmail(email: string): Promise<UserDto | undefined> {
    const [user] = await this.run(statements.findByEmail, { email });
    return user;
  }

  async updateUser(id: string, email: string | undefined, subscriptionStatus: string | undefined): Promise<UserDto | undefined> {
    const [user] = await this.run(statements.updateUser, { id, email: email ?? null, subscriptionStatus: subscriptionStatus ?? null });
    return user;
  }

  /** The deleted user and, when asked, the ids of its projects (which went with it); `undefined` if there was none. */
  async deleteUser(id: string, withProjectIds: boolean): Promise<{ id: string; projectIds: number[] } | undefined> {
    const [deleted] = await this.run(statements.deleteUser.of(withProjectIds), { id });
    return deleted;
  }

  async findWithProjectsByEmail(email: string): Promise<UserWithProjectsDto | undefined> {
    const [user] = await this.run(statements.findWithProjectsByEmail, { email });
    return user;
  }
}
