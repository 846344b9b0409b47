import { defineEntity, MikroORM, p, RequestContext } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, entities, migrate, migrationStatus, placeInSchema, User } from '../src/index.ts';
import { User as HostUser, UserSchema as HostUserSchema } from './support/host-application.ts';
import { useTestDatabase } from './support/test-database.ts';

/** An entity of the host application, with a foreign key to one of ours. */
const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'host_audit_entries',
  properties: {
    id: p.integer().primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    action: p.string(),
  },
});

describe('a host application that registers our entities in its own ORM', () => {
  const database = useTestDatabase({ migrated: false });
  let host: MikroORM;

  beforeAll(async () => {
    host = new MikroORM({ entities: [...entities, AuditEntry], clientUrl: database.url, ensureDatabase: false });
    await migrate(host);
    await host.em.execute(
      `create table host_audit_entries (id serial primary key, user_id varchar(255) not null references users on delete cascade, action varchar(255) not null)`,
    );
  });
  afterAll(() => host.close());

  it('applies our migrations through its ORM', async () => {
    expect((await migrationStatus(host)).pending).toEqual([]);
  });

  it('writes its entities and ours in one transaction', async () => {
    await host.em.fork().transactional(async (em) => {
      const user = em.create(User, { id: 'host_user', email: 'host@example.com' });
      em.create(AuditEntry, { user, action: 'signed up' });
    });
    const entry = await host.em.fork().findOneOrFail(AuditEntry, { action: 'signed up' }, { populate: ['user'] });
    expect(entry.user.email).toBe('host@example.com');
  });

  it('rolls both back together', async () => {
    const attempt = host.em.fork().transactional(async (em) => {
      const user = em.create(User, { id: 'rolled_back', email: 'rolled@example.com' });
      em.create(AuditEntry, { user, action: 'never happened' });
      await em.flush();
      throw new Error('payment failed');
    });
    await expect(attempt).rejects.toThrow('payment failed');
    expect(await host.em.fork().count(User, { id: 'rolled_back' })).toBe(0);
    expect(await host.em.fork().count(AuditEntry, { action: 'never happened' })).toBe(0);
  });
});

describe('a host application with its own ORM and RequestContext around our calls', () => {
  const database = useTestDatabase();
  let host: MikroORM;

  beforeAll(() => {
    // The host's ORM knows nothing of our entities and uses MikroORM's default context name.
    host = new MikroORM({ entities: [AuditEntry, User], clientUrl: database.url, ensureDatabase: false, discovery: { warnWhenNoEntities: false } });
  });
  afterAll(() => host.close());

  it('does not capture our EntityManagers or our migrations', async () => {
    await RequestContext.create(host.em, async () => {
      const em = database.db.fork();
      em.create(User, { id: 'inside_host_context', email: 'ctx@example.com' });
      await em.flush();
      expect(await database.db.fork().count(User, { id: 'inside_host_context' })).toBe(1);
      expect(await database.db.migrate()).toEqual([]);
      expect((await database.db.checkConnection()).tablesPresent).toBe(true);
      expect(RequestContext.getEntityManager()).toBeDefined();
    });
  });
});

/**
 * The name `User` as a string. MikroORM 7 types entity names as classes, but still resolves strings at run time (as
 * JavaScript hosts and string relation targets use them): that resolution is what a clash of names would break.
 */
const USER_BY_NAME = 'User' as never;

describe('a host application with its own User entity and users table, our entities beside them', () => {
  const database = useTestDatabase({ migrated: false });
  let host: MikroORM;

  beforeAll(async () => {
    host = new MikroORM({
      entities: [HostUserSchema, ...entities],
      discovery: { onMetadata: placeInSchema('enginecampro') },
      clientUrl: database.url,
      ensureDatabase: false,
    });
    await host.em.execute('create table public.users (id serial primary key, login varchar(255) not null unique)');
    await migrate(host);
  });
  afterAll(() => host.close());

  it('initialises, and its class and its string name "User" still resolve to its own entity', () => {
    expect(HostUser.name).toBe('User');
    expect(host.getMetadata().find(USER_BY_NAME)?.class).toBe(HostUser);
    expect(host.getMetadata().find(HostUser)?.tableName).toBe('users');
    expect(host.getMetadata().find(HostUser)?.schema).toBeUndefined();
    expect(host.getMetadata().find(User)?.schema).toBe('enginecampro');
  });

  it('reads and writes its users and ours in their own tables', async () => {
    const em = host.em.fork();
    em.create(HostUser, { login: 'alice' });
    em.create(User, { id: 'driver_1', email: 'driver@example.com' });
    await em.flush();
    const fresh = host.em.fork();
    expect(await fresh.find(USER_BY_NAME, {})).toMatchObject([{ login: 'alice' }]);
    expect(await fresh.findOneOrFail(User, 'driver_1')).toMatchObject({ email: 'driver@example.com' });
    const publicUsers = await fresh.execute('select login from public.users');
    expect(publicUsers).toEqual([{ login: 'alice' }]);
  });

  it('serves our calls through new Database(orm), in our schema', async () => {
    const db = new Database(host);
    await db.projects.create('driver_1', { name: 'Host-embedded project' });
    expect((await db.projects.list('driver_1')).items.map((project) => project.name)).toEqual(['Host-embedded project']);
    expect(await db.checkConnection()).toMatchObject({ schema: 'enginecampro', tablesPresent: true, pendingMigrations: [] });
  });
});
