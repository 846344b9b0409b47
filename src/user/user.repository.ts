import { distributedByUser } from '../citus/layout.ts';
import { ConflictError } from '../common/errors.ts';
import { EMAIL_TAKEN } from '../common/map-error.ts';
import { Repository } from '../sql/repository.ts';
import { USER_EMAIL_STATEMENTS as lookup } from './user-email.statements.ts';
import type { User } from './user.entity.ts';
import type { UserDto, UserWithProjectsDto } from './user.schemas.ts';
import { USER_STATEMENTS as statements } from './user.statements.ts';

/**
 * The statements on `users`, and on the e-mail lookup where the tables are distributed by user. Each method is one
 * statement and returns DTOs, never entities.
 */
export class UserRepository extends Repository<User> {
  /** Whether the tables are distributed by user on Citus (`db.distribute()`): asked once per pool and schema. */
  distributedByUser(): Promise<boolean> {
    return distributedByUser(this.em, this.table);
  }

  async upsertUser(id: string, email: string, subscriptionStatus: string | undefined): Promise<UserDto> {
    const [user] = await this.run(statements.upsertUser.of(subscriptionStatus !== undefined), { id, email, subscriptionStatus });
    return user!;
  }

  /** The upsert as an INSERT ... VALUES, after `lockUser` in the same transaction: where the tables are distributed. */
  async upsertUserRow(id: string, email: string, subscriptionStatus: string | undefined): Promise<UserDto> {
    const [user] = await this.run(statements.upsertUserRow.of(subscriptionStatus !== undefined), { id, email, subscriptionStatus });
    return user!;
  }

  /** Queues this transaction behind any other writing the user, until it ends. */
  async lockUser(id: string): Promise<void> {
    await this.run(statements.lockUser, { id });
  }

  /** Claims the address for the user (or keeps it, when the user holds it); `ConflictError` when another user does. */
  async claimEmail(email: string, userId: string): Promise<void> {
    const [claimed] = await this.run(lookup.claimEmail, { email, userId });
    if (!claimed) throw new ConflictError(EMAIL_TAKEN);
  }

  /** Gives the address up, unless it is `keep` in lower case. */
  async releaseEmail(email: string, userId: string, keep: string | null): Promise<void> {
    await this.run(lookup.releaseEmail, { email, userId, keep });
  }

  async findEmailOwner(email: string): Promise<string | undefined> {
    const [owner] = await this.run(lookup.findEmailOwner, { email });
    return owner?.userId;
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
  async deleteUser(id: string, withProjectIds: boolean): Promise<{ id: string; email: string; projectIds: number[] } | undefined> {
    const [deleted] = await this.run(statements.deleteUser.of(withProjectIds), { id });
    return deleted;
  }

  async findWithProjectsByEmail(email: string): Promise<UserWithProjectsDto | undefined> {
    const [user] = await this.run(statements.findWithProjectsByEmail, { email });
    return user;
  }

  async findWithProjectsById(id: string): Promise<UserWithProjectsDto | undefined> {
    const [user] = await this.run(statements.findWithProjectsById, { id });
    return user;
  }
}
