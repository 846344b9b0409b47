/**
 * The calls on users where the tables are distributed by user on Citus (`db.distribute()`), which keep the e-mail
 * lookup `user_emails` in step with `users`. There `users` is distributed by `id` and cannot have a unique index on
 * `lower(email)`; the lookup, distributed by address, holds each address once. Every statement names one user id or
 * one address, so Citus sends each to one worker (a router plan); the writes are a few statements in one
 * transaction where a single server needs one. Every other call on users sends the same statements on either layout.
 */
import type { UserRepository } from './user.repository.ts';
import type { UserDto, UserWithProjectsDto } from './user.schemas.ts';

/**
 * Creates the user or updates its address and status. The lock queues calls for one id (the same webhook twice at
 * once), so each reads the row the previous one left; an address held by another user ends in `ConflictError` before
 * anything is written. The lookup's row is claimed before `users` is written and the old address released after it.
 */
export async function upsertWithLookup(users: UserRepository, id: string, email: string, subscriptionStatus: string | undefined): Promise<UserDto> {
  await users.lockUser(id);
  const before = await users.findById(id);
  if (!before || addressChanges(before.email, email)) await users.claimEmail(email, id);
  const user = await users.upsertUserRow(id, email, subscriptionStatus);
  if (before && addressChanges(before.email, email)) await users.releaseEmail(before.email, id, email);
  return user;
}

/** Updates the user; a new address is claimed in the lookup and the old one released, as by `upsertWithLookup`. */
export async function updateWithLookup(users: UserRepository, id: string, email: string | undefined, subscriptionStatus: string | undefined): Promise<UserDto | undefined> {
  if (email === undefined) return users.updateUser(id, undefined, subscriptionStatus);
  await users.lockUser(id);
  const before = await users.findById(id);
  if (!before) return undefined;
  if (addressChanges(before.email, email)) await users.claimEmail(email, id);
  const user = await users.updateUser(id, email, subscriptionStatus);
  if (addressChanges(before.email, email)) await users.releaseEmail(before.email, id, email);
  return user;
}

/** Deletes the user (its projects and cams go with it) and releases its address. */
export async function deleteWithLookup(users: UserRepository, id: string, withProjectIds: boolean): Promise<{ id: string; projectIds: number[] } | undefined> {
  await users.lockUser(id);
  const deleted = await users.deleteUser(id, withProjectIds);
  if (deleted) await users.releaseEmail(deleted.email, id, null);
  return deleted;
}

/** The user holding the address: the lookup's shard, then the user's worker. */
export async function findByEmailWithLookup(users: UserRepository, email: string): Promise<UserDto | undefined> {
  const owner = await users.findEmailOwner(email);
  const user = owner === undefined ? undefined : await users.findById(owner);
  return user && holds(user, email) ? user : undefined;
}

/** The user holding the address with its projects and their cams: the lookup's shard, then the user's worker. */
export async function findWithProjectsByEmailWithLookup(users: UserRepository, email: string): Promise<UserWithProjectsDto | undefined> {
  const owner = await users.findEmailOwner(email);
  const user = owner === undefined ? undefined : await users.findWithProjectsById(owner);
  return user && holds(user, email) ? user : undefined;
}

/**
 * Whether a change of address from `before` to `after` is more than a change of case: then the lookup changes. When
 * JavaScript and PostgreSQL fold a case differently this may say yes for the same address: the claim then keeps the
 * row, and the release spares the address kept.
 */
function addressChanges(before: string, after: string): boolean {
  return before.toLowerCase() !== after.toLowerCase();
}

/**
 * Whether the user read still holds the address looked up: between the two reads a concurrent call may have moved it,
 * and the user is then not found, as a read just after that call would find.
 */
function holds(user: UserDto, email: string): boolean {
  return user.email.toLowerCase() === email.toLowerCase();
}
