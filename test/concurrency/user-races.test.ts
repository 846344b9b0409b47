import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, type UserDto } from '../../src/index.ts';
import { camInput } from '../support/fixtures.ts';
import { CALLERS, countRows, orphans, race, RACING_POOL } from '../support/races.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase({ connect: RACING_POOL });
const db = () => database.db;

describe('users.upsert raced', () => {
  it('by one sign-in webhook delivered many times at once: every delivery returns the user, one row is written', async () => {
    const outcomes = await race(() => db().users.upsert({ id: 'user_webhook', email: 'webhook@example.com' }));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    const [first, ...rest] = outcomes.results;
    expect(first).toMatchObject({ id: 'user_webhook', email: 'webhook@example.com', subscriptionStatus: 'free' });
    for (const user of rest) expect(user).toEqual(first);
    expect(await countRows(database.owner, `select 1 from users where id = 'user_webhook'`)).toBe(1);
  });

  it('by the same webhook for a user that exists: every delivery returns it unchanged, updated_at included', async () => {
    const before = await db().users.upsert({ id: 'user_known', email: 'known@example.com', subscriptionStatus: 'pro' });
    const outcomes = await race(() => db().users.upsert({ id: 'user_known', email: 'known@example.com', subscriptionStatus: 'pro' }));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    for (const user of outcomes.results) expect(user).toEqual(before);
  });

  it('by changes of one user arriving together: each returns what it wrote, the last one written stays', async () => {
    await db().users.upsert({ id: 'user_changing', email: 'changing@example.com' });
    const inputs = Array.from({ length: CALLERS }, (_, caller) => ({
      id: 'user_changing',
      email: `changing.${caller % 3}@example.com`,
      subscriptionStatus: caller % 2 ? ('pro' as const) : ('free' as const),
    }));
    const outcomes = await race((caller) => db().users.upsert(inputs[caller]!));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    outcomes.results.forEach((user, caller) => expect(user).toMatchObject(inputs[caller]!));
    // Each result is the row as its call left it; serially, the row left is what the last call returned.
    expect(outcomes.results).toContainEqual(await db().users.get('user_changing'));
  });

  it('by two ids signing up with one address in different cases: one id wins every call, the other gets ConflictError', async () => {
    const outcomes = await race((caller) =>
      db().users.upsert(caller % 2 ? { id: 'user_pair_b', email: 'Pair@Example.com' } : { id: 'user_pair_a', email: 'pair@example.com' }),
    );
    const errors = outcomes.failedOnlyWith(ConflictError);
    const winners = new Set(outcomes.results.map((user) => user.id));
    expect(winners.size).toBe(1);
    expect(outcomes.results).toHaveLength(CALLERS / 2);
    for (const error of errors) expect((error as ConflictError).message).toMatch(/already taken/);
    expect(await countRows(database.owner, `select 1 from users where lower(email) = 'pair@example.com'`)).toBe(1);
    expect(await countRows(database.owner, `select 1 from users where id in ('user_pair_a', 'user_pair_b')`)).toBe(1);
  });

  it('beside deletes of the same user: each call a result or NotFoundError, and the state a serial order leaves', async () => {
    await db().users.upsert({ id: 'user_flicker', email: 'flicker@example.com' });
    const outcomes = await race<unknown>((caller) =>
      caller % 4 === 0 ? db().users.delete('user_flicker') : db().users.upsert({ id: 'user_flicker', email: 'flicker@example.com' }),
    );
    outcomes.failedOnlyWith(NotFoundError);
    // Deletes that found nobody came right after another delete: at least one succeeded.
    const deletes = outcomes.settled.filter((_, caller) => caller % 4 === 0);
    expect(deletes.some((outcome) => outcome.status === 'fulfilled')).toBe(true);
    // Upserts never fail, whatever the deletes did.
    expect(outcomes.settled.filter((outcome, caller) => caller % 4 !== 0 && outcome.status === 'rejected')).toEqual([]);
    expect(await countRows(database.owner, `select 1 from users where id = 'user_flicker'`)).toBeLessThanOrEqual(1);
  });
});

describe('users.update raced', () => {
  it('by the same change many times: every call returns it', async () => {
    await db().users.upsert({ id: 'user_upgrade', email: 'upgrade@example.com' });
    const outcomes = await race(() => db().users.update('user_upgrade', { subscriptionStatus: 'pro' }));
    expect(outcomes.failedOnlyWith()).toEqual([]);
    for (const user of outcomes.results) expect(user.subscriptionStatus).toBe('pro');
  });

  it('by two users moving to one address: exactly one gets it, the others ConflictError', async () => {
    const ids = ['user_mover_a', 'user_mover_b'];
    for (const id of ids) await db().users.upsert({ id, email: `${id}@example.com` });
    const outcomes = await race((caller) => db().users.update(ids[caller % 2]!, { email: caller % 2 ? 'Wanted@Example.com' : 'wanted@example.com' }));
    outcomes.failedOnlyWith(ConflictError);
    expect(new Set(outcomes.results.map((user: UserDto) => user.id)).size).toBe(1);
    expect(await countRows(database.owner, `select 1 from users where lower(email) = 'wanted@example.com'`)).toBe(1);
  });
});

describe('users.delete raced', () => {
  it('by the same delete many times: one deletes, the others find nobody', async () => {
    const user = await db().users.upsert({ id: 'user_doomed', email: 'doomed@example.com' });
    const project = await db().projects.create(user.id, { name: 'Doomed' });
    await db().cams.createMany(user.id, project.id, [camInput(), camInput()]);
    const outcomes = await race(() => db().users.delete(user.id));
    expect(outcomes.results).toHaveLength(1);
    expect(outcomes.failedOnlyWith(NotFoundError)).toHaveLength(CALLERS - 1);
    expect(await countRows(database.owner, `select 1 from projects where user_id = ?`, [user.id])).toBe(0);
    expect(await orphans(database.owner)).toBe(0);
  });

  it('while projects and cams are written for that user: nothing of the user stays, nothing is orphaned', async () => {
    const user = await db().users.upsert({ id: 'user_busy', email: 'busy@example.com' });
    const project = await db().projects.create(user.id, { name: 'Busy' });
    const document = { format: 'enginecampro.project', version: 1, exportedAt: new Date().toISOString(), project: { name: 'Imported', description: null, cams: Array.from({ length: 30 }, () => camInput()) } };
    const outcomes = await race<unknown>((caller) => {
      if (caller === CALLERS / 2) return db().users.delete(user.id);
      switch (caller % 4) {
        case 0:
          return db().projects.create(user.id, { name: `Busy ${caller}` });
        case 1:
          return db().cams.create(user.id, project.id, camInput());
        case 2:
          return db().cams.createMany(user.id, project.id, Array.from({ length: caller % 8 === 2 ? 30 : 3 }, () => camInput()));
        default:
          return db().projects.import(user.id, document);
      }
    });
    outcomes.failedOnlyWith(NotFoundError);
    expect(outcomes.settled[CALLERS / 2]!.status).toBe('fulfilled');
    expect(await countRows(database.owner, `select 1 from projects where user_id = ?`, [user.id])).toBe(0);
    expect(await countRows(database.owner, `select 1 from users where id = ?`, [user.id])).toBe(0);
    expect(await orphans(database.owner)).toBe(0);
  });
});
