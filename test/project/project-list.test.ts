import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.ts';
import { createUser } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
let userId: string;

async function allNames(options: Parameters<typeof database.db.projects.list>[1]): Promise<string[]> {
  const names: string[] = [];
  let after: string | undefined;
  do {
    const page = await database.db.projects.list(userId, { ...options, after });
    names.push(...page.items.map((project) => project.name));
    after = page.nextCursor ?? undefined;
  } while (after);
  return names;
}

beforeAll(async () => {
  userId = (await createUser(database.db, 'lister')).id;
  for (const name of ['Camaro', 'bronco', 'Corvette', 'Mustang_50', 'Nova 100%', 'Chevelle']) {
    await database.db.projects.create(userId, { name });
  }
  // Another user's projects never show up.
  const other = await createUser(database.db, 'other');
  await database.db.projects.create(other.id, { name: 'Camaro of someone else' });
});

describe('projects.list', () => {
  it('lists the user’s projects newest first by default', async () => {
    const page = await database.db.projects.list(userId);
    expect(page.items.map((project) => project.name)).toEqual(['Chevelle', 'Nova 100%', 'Mustang_50', 'Corvette', 'bronco', 'Camaro']);
    expect(page.nextCursor).toBeNull();
  });

  it('walks every page with the cursor, in each ordering and direction', async () => {
    expect(await allNames({ limit: 2 })).toEqual(['Chevelle', 'Nova 100%', 'Mustang_50', 'Corvette', 'bronco', 'Camaro']);
    expect(await allNames({ limit: 4, direction: 'asc' })).toEqual(['Camaro', 'bronco', 'Corvette', 'Mustang_50', 'Nova 100%', 'Chevelle']);
    const byName = await allNames({ limit: 1, orderBy: 'name' });
    expect(byName).toHaveLength(6);
    expect(await allNames({ limit: 5, orderBy: 'name', direction: 'desc' })).toEqual([...byName].reverse());
    expect(await allNames({ limit: 3, orderBy: 'updatedAt' })).toHaveLength(6);
  });

  it('stays stable when projects are created between pages', async () => {
    const first = await database.db.projects.list(userId, { limit: 3, direction: 'asc' });
    await database.db.projects.create(userId, { name: 'Added meanwhile' });
    const second = await database.db.projects.list(userId, { limit: 3, direction: 'asc', after: first.nextCursor! });
    expect([...first.items, ...second.items].map((project) => project.name)).toEqual([
      'Camaro', 'bronco', 'Corvette', 'Mustang_50', 'Nova 100%', 'Chevelle',
    ]);
    const third = await database.db.projects.list(userId, { limit: 3, direction: 'asc', after: second.nextCursor! });
    expect(third.items.map((project) => project.name)).toEqual(['Added meanwhile']);
  });

  it('searches names without regard to case, with % and _ taken literally', async () => {
    expect(await allNames({ search: 'CAMARO' })).toEqual(['Camaro']);
    expect((await allNames({ search: 'O' })).sort()).toEqual(['Camaro', 'Corvette', 'Nova 100%', 'bronco']);
    expect(await allNames({ search: '100%' })).toEqual(['Nova 100%']);
    expect(await allNames({ search: 'g_5' })).toEqual(['Mustang_50']);
    expect(await allNames({ search: 'ng_' })).toEqual(['Mustang_50']);
    expect(await allNames({ search: 'xyz' })).toEqual([]);
  });

  it('refuses a cursor of another ordering, garbage, and bad options', async () => {
    const page = await database.db.projects.list(userId, { limit: 1 });
    await expect(database.db.projects.list(userId, { orderBy: 'name', after: page.nextCursor! })).rejects.toThrow(/not a cursor of this list/);
    await expect(database.db.projects.list(userId, { after: '%%%' })).rejects.toBeInstanceOf(ValidationError);
    await expect(database.db.projects.list(userId, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(database.db.projects.list(userId, { orderBy: 'id' as never })).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists each project with its cams when asked, without profile points', async () => {
    const [camaro] = (await database.db.projects.list(userId, { search: 'Camaro' })).items;
    await database.db.cams.createMany(userId, camaro!.id, [
      { name: 'Intake', camType: 'intake', lift: 10, duration: 260 },
      { name: 'Exhaust', camType: 'exhaust', lift: 9.8, duration: 268 },
    ]);
    const page = await database.db.projects.list(userId, { withCams: true, orderBy: 'name', limit: 3 });
    const byName = Object.fromEntries(page.items.map((project) => [project.name, project.cams.map((cam) => cam.name)]));
    expect(byName).toMatchObject({ Camaro: ['Intake', 'Exhaust'] });
    expect(page.items.filter((project) => project.name !== 'Camaro').every((project) => project.cams.length === 0)).toBe(true);
    expect(page.items[0]!.cams[0] ?? {}).not.toHaveProperty('profilePoints');
    const plain = await database.db.projects.list(userId, { orderBy: 'name', limit: 3 });
    expect(plain.items[0]).not.toHaveProperty('cams');
  });

  it('returns an empty page for a user without projects', async () => {
    expect(await database.db.projects.list('user_without_projects')).toEqual({ items: [], nextCursor: null });
  });
});
