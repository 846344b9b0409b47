import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, userSchema, users, userWithProjectsSchema, ValidationError } from '../../src/index.ts';
import { camInput, createUser } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

describe('users.upsert', () => {
  it('creates a free user and returns a JSON-serialisable DTO', async () => {
    const user = await database.db.users.upsert({ id: 'user_2abc', email: 'Jane@Example.com' });
    expect(userSchema.parse(user)).toEqual(user);
    expect(user).toMatchObject({ id: 'user_2abc', email: 'Jane@Example.com', subscriptionStatus: 'free' });
    expect(JSON.parse(JSON.stringify(user))).toEqual(user);
  });

  it('is idempotent: the same call changes nothing, not even updated_at', async () => {
    const first = await database.db.users.upsert({ id: 'user_idem', email: 'idem@example.com', subscriptionStatus: 'pro' });
    const again = await database.db.users.upsert({ id: 'user_idem', email: 'idem@example.com', subscriptionStatus: 'pro' });
    expect(again).toEqual(first);
  });

  it('updates the e-mail address and keeps the status when none is given', async () => {
    await database.db.users.upsert({ id: 'user_move', email: 'old@example.com', subscriptionStatus: 'pro' });
    const moved = await database.db.users.upsert({ id: 'user_move', email: 'new@example.com' });
    expect(moved).toMatchObject({ email: 'new@example.com', subscriptionStatus: 'pro' });
    expect(moved.updatedAt > moved.createdAt).toBe(true);
  });

  it('refuses an address another user has, in any case, and changes nothing', async () => {
    await database.db.users.upsert({ id: 'user_taken', email: 'taken@example.com' });
    await expect(database.db.users.upsert({ id: 'user_thief', email: 'TAKEN@example.com' })).rejects.toThrow(ConflictError);
    await expect(database.db.users.get('user_thief')).rejects.toThrow(NotFoundError);
  });

  it('lets exactly one of two concurrent sign-ups with one address under two ids win', async () => {
    const attempts = await Promise.allSettled([
      database.db.users.upsert({ id: 'user_race_a', email: 'race@example.com' }),
      database.db.users.upsert({ id: 'user_race_b', email: 'Race@Example.com' }),
    ]);
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    const [failure] = attempts.filter((attempt) => attempt.status === 'rejected');
    expect(failure!.reason).toBeInstanceOf(ConflictError);
    expect(failure!.reason.message).toMatch(/already taken/);
  });

  it.each([
    [{ id: '', email: 'a@example.com' }, ['id']],
    [{ id: 'x'.repeat(256), email: 'a@example.com' }, ['id']],
    [{ id: 'user_bad', email: 'not-an-address' }, ['email']],
    [{ id: 'user_bad', email: 'a@example.com', subscriptionStatus: 'gold' }, ['subscriptionStatus']],
    [{ id: 'user_bad', email: 'a@example.com', admin: true }, []],
  ])('refuses %j with a ValidationError naming the field', async (input, path) => {
    const error = await database.db.users.upsert(input as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.path).toEqual(path);
  });
});

describe('users.get and users.getByEmail', () => {
  it('find a user by id, and by e-mail address without regard to case', async () => {
    const user = await createUser(database.db, 'finder');
    expect(await database.db.users.get(user.id)).toEqual(user);
    expect(await database.db.users.getByEmail(user.email.toUpperCase())).toEqual(user);
  });

  it('raise NotFoundError with the entity and the id', async () => {
    await expect(database.db.users.get('user_nobody')).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'User', id: 'user_nobody' });
    await expect(database.db.users.getByEmail('nobody@example.com')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('users.update', () => {
  it("upgrades the subscription to 'pro'", async () => {
    const user = await createUser(database.db, 'upgrade');
    const upgraded = await database.db.users.update(user.id, { subscriptionStatus: 'pro' });
    expect(upgraded).toMatchObject({ id: user.id, email: user.email, subscriptionStatus: 'pro', createdAt: user.createdAt });
    expect(upgraded.updatedAt > user.updatedAt).toBe(true);
  });

  it('refuses an empty patch, an unknown status and a taken address', async () => {
    const user = await createUser(database.db, 'patch');
    const other = await createUser(database.db, 'other');
    await expect(database.db.users.update(user.id, {})).rejects.toThrow(/at least one of: email, subscriptionStatus/);
    await expect(database.db.users.update(user.id, { subscriptionStatus: 'enterprise' as never })).rejects.toBeInstanceOf(ValidationError);
    await expect(database.db.users.update(user.id, { email: other.email })).rejects.toBeInstanceOf(ConflictError);
    expect(await database.db.users.get(user.id)).toEqual(user);
  });

  it('raises NotFoundError for a missing user', async () => {
    await expect(database.db.users.update('user_missing', { subscriptionStatus: 'pro' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('users.delete', () => {
  it('removes the user with its projects and their cams', async () => {
    const user = await createUser(database.db, 'leaver');
    const project = await database.db.projects.create(user.id, { name: 'Gone soon' });
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    await database.db.users.delete(user.id);
    await expect(database.db.users.get(user.id)).rejects.toBeInstanceOf(NotFoundError);
    const [left] = await database.owner.fork().execute<{ projects: number; cams: number }[]>(
      `select (select count(*)::int from projects where id = ?) as projects, (select count(*)::int from cams where id = ?) as cams`,
      [project.id, cam.id],
    );
    expect(left).toEqual({ projects: 0, cams: 0 });
    await expect(database.db.users.delete(user.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('users.getWithProjects', () => {
  it('returns the user with every project and their cams, the original exercise', async () => {
    const john = await database.db.users.upsert({ id: 'user_john', email: 'john@example.com' });
    const street = await database.db.projects.create(john.id, { name: 'Street', description: '350 small block' });
    const race = await database.db.projects.create(john.id, { name: 'Race' });
    await database.db.cams.createMany(john.id, street.id, [camInput({ name: 'Intake' }), camInput({ name: 'Exhaust', camType: 'exhaust' })]);

    const graph = await database.db.users.getWithProjects('JOHN@example.com');
    expect(userWithProjectsSchema.parse(graph)).toEqual(graph);
    expect(graph.projects.map((project) => [project.name, project.cams.map((cam) => cam.name)])).toEqual([
      ['Street', ['Intake', 'Exhaust']],
      ['Race', []],
    ]);
    expect(graph.projects.length).toBe(2);
    expect(graph.projects[1]!.id).toBe(race.id);
  });

  it('raises NotFoundError for an unknown address', async () => {
    await expect(database.db.users.getWithProjects('ghost@example.com')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('the plain service functions', () => {
  it('work with any EntityManager, here one the caller forked', async () => {
    const em = database.db.fork();
    const user = await users.upsert(em, { id: 'user_plain', email: 'plain@example.com' });
    expect(await users.get(em, user.id)).toEqual(user);
  });
});
