import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../common/errors.ts';
import { flushPending, forgetDeleted, held, holdsAny, managedWhere, refreshManaged } from '../common/unit-of-work.ts';
import { inTransaction } from '../common/transaction.ts';
import { parseArgument, parseInput, parseUserId } from '../common/validation.ts';
import { Cam } from '../cam/cam.entity.ts';
import { forgetCreated } from '../project/created-projects.ts';
import { Project } from '../project/project.entity.ts';
import { User } from './user.entity.ts';
import {
  deleteWithLookup,
  findByEmailWithLookup,
  findWithProjectsByEmailWithLookup,
  updateWithLookup,
  upsertWithLookup,
} from './email-lookup.ts';
import type { UserRepository } from './user.repository.ts';
import {
  emailSchema,
  userPatchSchema,
  userUpsertSchema,
  type UserDto,
  type UserPatch,
  type UserUpsertInput,
  type UserWithProjectsDto,
} from './user.schemas.ts';

const repository = (em: EntityManager) => em.getRepository<User, UserRepository>(User);

/** Creates the user or updates its e-mail address and status: what a sign-in webhook calls. Idempotent. */
export async function upsert(em: EntityManager, input: UserUpsertInput): Promise<UserDto> {
  const { id, email, subscriptionStatus } = parseInput(userUpsertSchema, input);
  await flushPending(em, [User]);
  const user = (await repository(em).distributedByUser())
    ? await inTransaction(em, (tx) => upsertWithLookup(repository(tx), id, email, subscriptionStatus))
    : await repository(em).upsertUser(id, email, subscriptionStatus);
  return refreshed(em, user);
}

export async function get(em: EntityManager, id: string): Promise<UserDto> {
  const userId = parseUserId(id, 'id');
  await flushPending(em, [User]);
  return (await repository(em).findById(userId)) ?? notFound(userId);
}

/** Looks the address up without regard to case. */
export async function getByEmail(em: EntityManager, email: string): Promise<UserDto> {
  const address = parseArgument(emailSchema, email, 'email');
  await flushPending(em, [User]);
  const users = repository(em);
  const user = (await users.distributedByUser()) ? await findByEmailWithLookup(users, address) : await users.findByEmail(address);
  return user ?? notFound(address);
}

export async function update(em: EntityManager, id: string, patch: UserPatch): Promise<UserDto> {
  const userId = parseUserId(id, 'id');
  const { email, subscriptionStatus } = parseInput(userPatchSchema, patch);
  await flushPending(em, [User]);
  const user = (await repository(em).distributedByUser())
    ? await inTransaction(em, (tx) => updateWithLookup(repository(tx), userId, email, subscriptionStatus))
    : await repository(em).updateUser(userId, email, subscriptionStatus);
  return refreshed(em, user ?? notFound(userId));
}

/** Deletes the user with its projects and their cams. */
async function remove(em: EntityManager, id: string): Promise<void> {
  const userId = parseUserId(id, 'id');
  await flushPending(em, [User, Project, Cam]);
  // Which projects went with the user matters only when this EntityManager holds projects or cams to forget.
  const withProjectIds = holdsAny(em, [Project, Cam]);
  const deleted = (await repository(em).distributedByUser())
    ? await inTransaction(em, (tx) => deleteWithLookup(repository(tx), userId, withProjectIds))
    : await repository(em).deleteUser(userId, withProjectIds);
  if (!deleted) notFound(userId);
  forgetCreated(em, { userId });
  const projectIds = new Set(deleted.projectIds);
  forgetDeleted(em, [
    held(em, User, userId),
    ...managedWhere(em, Project, (project) => projectIds.has(project.id)),
    ...managedWhere(em, Cam, (cam) => projectIds.has(cam.project.id)),
  ]);
}
export { remove as delete };

/** The user with all its projects and their cams, in one statement. */
export async function getWithProjects(em: EntityManager, email: string): Promise<UserWithProjectsDto> {
  const address = parseArgument(emailSchema, email, 'email');
  await flushPending(em, [User, Project, Cam]);
  const users = repository(em);
  const user = (await users.distributedByUser()) ? await findWithProjectsByEmailWithLookup(users, address) : await users.findWithProjectsByEmail(address);
  return user ?? notFound(address);
}

/** Brings a managed User in line with what a statement wrote. */
function refreshed(em: EntityManager, user: UserDto): UserDto {
  const { id, email, subscriptionStatus, createdAt, updatedAt } = user;
  refreshManaged(em, User, id, { id, email, subscriptionStatus, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) });
  return user;
}

function notFound(id: string): never {
  throw new NotFoundError('User', id);
}
