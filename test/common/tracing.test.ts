import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel, type TracingChannelSubscribers } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cams,
  ConflictError,
  connect,
  NotFoundError,
  projects,
  SERVICE_CALL_CHANNEL,
  users,
  ValidationError,
  type ServiceCallContext,
  type ServiceCallName,
} from '../../src/index.ts';
import { camInput, createUser, createUserWithProject } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
const channel = tracingChannel<unknown, ServiceCallContext>(SERVICE_CALL_CHANNEL);

type EventKind = keyof TracingChannelSubscribers<ServiceCallContext>;
interface Published {
  kind: EventKind;
  context: ServiceCallContext;
  /** What `observe` saw when the event was published. */
  observed?: string | undefined;
}

/**
 * Subscribes to all five events of the channel, as a tracer does, and keeps what each one published, with what
 * `observe` sees at that moment (a tracer looks up its current span there).
 */
function subscribe(observe?: () => string | undefined) {
  const published: Published[] = [];
  const on = (kind: EventKind) => (context: ServiceCallContext) => void published.push({ kind, context, observed: observe?.() });
  const handlers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
  channel.subscribe(handlers);
  subscriptions.push(() => channel.unsubscribe(handlers));
  return {
    published,
    /** Each event as `kind name`, in the order published. */
    events: () => published.map(({ kind, context }) => `${kind} ${context.name}`),
    unsubscribe: () => channel.unsubscribe(handlers),
  };
}
const subscriptions: (() => void)[] = [];
afterEach(() => {
  for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
});

const succeeded = (name: ServiceCallName) => [`start ${name}`, `end ${name}`, `asyncStart ${name}`, `asyncEnd ${name}`];
const failed = (name: ServiceCallName) => [`start ${name}`, `end ${name}`, `error ${name}`, `asyncStart ${name}`, `asyncEnd ${name}`];

/** Every service call the package exports; typed so that a call added to or removed from the services fails to compile here. */
const SERVICE_CALLS: Record<ServiceCallName, true> = {
  'users.upsert': true,
  'users.get': true,
  'users.getByEmail': true,
  'users.update': true,
  'users.delete': true,
  'users.getWithProjects': true,
  'projects.create': true,
  'projects.get': true,
  'projects.list': true,
  'projects.update': true,
  'projects.delete': true,
  'projects.duplicate': true,
  'projects.export': true,
  'projects.import': true,
  'cams.create': true,
  'cams.createMany': true,
  'cams.get': true,
  'cams.list': true,
  'cams.update': true,
  'cams.delete': true,
};
const serviceCallNames = Object.keys(SERVICE_CALLS) as ServiceCallName[];

describe('the service call channel', () => {
  it('publishes start, end, asyncStart and asyncEnd of a call that succeeds, under its name, without its result', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const created = await database.db.cams.create(user.id, project.id, camInput());
    const { published, events } = subscribe();

    const cam = await database.db.cams.get(user.id, created.id);

    expect(cam.id).toBe(created.id);
    expect(events()).toEqual(succeeded('cams.get'));
    // One context travels through all four events, so a tracer can keep its span on it.
    expect(new Set(published.map(({ context }) => context)).size).toBe(1);
    expect(published[0]!.context).toEqual({ name: 'cams.get' });
  });

  it('publishes the ValidationError of a refused call, the very error the caller receives', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const { published, events } = subscribe();

    const refused = await database.db.cams.create(user.id, project.id, camInput({ duration: 0 })).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ValidationError);
    expect(events()).toEqual(failed('cams.create'));
    expect(published.find(({ kind }) => kind === 'error')!.context.error).toBe(refused);
    expect(Object.keys(published[0]!.context).sort()).toEqual(['error', 'name']);
  });

  it('publishes the NotFoundError of a missing record', async () => {
    const user = await createUser(database.db);
    const { published, events } = subscribe();

    await expect(database.db.projects.get(user.id, 2_147_483_647, { withCams: true })).rejects.toBeInstanceOf(NotFoundError);

    expect(events()).toEqual(failed('projects.get'));
    expect(published.at(-1)!.context.error).toMatchObject({ code: 'NOT_FOUND', entity: 'Project', id: 2_147_483_647 });
  });

  it('publishes no value a call was given, nor any it returned: an e-mail address appears in no context', async () => {
    const email = `Tracing.${process.pid}@Example.com`;
    const other = await createUser(database.db, 'other');
    const { published } = subscribe();

    const user = await database.db.users.upsert({ id: `traced_${process.pid}`, email });
    await database.db.users.get(user.id);
    await database.db.users.getByEmail(email);
    await database.db.users.getWithProjects(email.toLowerCase());
    await expect(database.db.users.update(user.id, { email: other.email })).rejects.toBeInstanceOf(ConflictError);
    await expect(database.db.users.upsert({ id: user.id, email: `${email}@` })).rejects.toBeInstanceOf(ValidationError);
    await database.db.projects.create(user.id, { name: `Project of ${email}` });

    expect(published.filter(({ kind }) => kind === 'start')).toHaveLength(7);
    for (const { context } of published) {
      const { error } = context;
      const seen = JSON.stringify({ ...context, error: error instanceof Error ? { ...error, message: error.message } : error });
      expect(seen.toLowerCase()).not.toContain(email.toLowerCase());
      expect(seen).not.toContain(other.email);
      expect(seen).not.toContain(user.id);
    }
  });

  it('traces every exported service call, through db, through a transaction and with an EntityManager of the caller', async () => {
    const { events } = subscribe();
    const exported = { users, projects, cams };
    const em = database.db.fork();

    for (const name of serviceCallNames) {
      const [service, fn] = name.split('.') as ['users' | 'projects' | 'cams', string];
      // No arguments at all: every call refuses them before reaching the database.
      const call = (functions: object, ...args: unknown[]) => (functions as Record<string, (...args: unknown[]) => Promise<unknown>>)[fn]!(...args);
      await expect(call(database.db[service])).rejects.toBeInstanceOf(ValidationError);
      await expect(database.db.transaction((tx) => call(tx[service]))).rejects.toBeInstanceOf(ValidationError);
      await expect(call(exported[service], em)).rejects.toBeInstanceOf(ValidationError);
    }

    expect(events()).toEqual(serviceCallNames.flatMap((name) => [...failed(name), ...failed(name), ...failed(name)]));
  });

  it('lets a tracer nest each call of a db.transaction() under the caller’s work, and the call’s statements under the call', async () => {
    const { user, project } = await createUserWithProject(database.db);
    // A tracer's two stores: the caller's current span, and the one of the service call, entered at `start`.
    const request = new AsyncLocalStorage<string>();
    const serviceCall = new AsyncLocalStorage<ServiceCallName>();
    channel.start.bindStore(serviceCall, (context) => context.name);
    subscriptions.push(() => channel.start.unbindStore(serviceCall));
    // Each SQL statement, with the service call it ran in: what a driver's instrumentation would nest under.
    const statements: string[] = [];
    const logged = connect({ url: database.url, debug: true, logger: (message) => void statements.push(`${serviceCall.getStore()}: ${message}`) });
    const { events, published } = subscribe(() => request.getStore());
    try {
      await request.run('sign-up', () =>
        logged.transaction(async (tx) => {
          await tx.users.update(user.id, { subscriptionStatus: 'pro' });
          await tx.cams.createMany(user.id, project.id, [camInput({ name: 'one' }), camInput({ name: 'two' })]);
        }),
      );
    } finally {
      await logged.close();
    }

    const starts = published.filter(({ kind }) => kind === 'start');
    expect(starts.map(({ context, observed }) => `${context.name} in ${observed}`)).toEqual(['users.update in sign-up', 'cams.createMany in sign-up']);
    expect(events()).toEqual([...succeeded('users.update'), ...succeeded('cams.createMany')]);
    const inCall = (name: string) => statements.filter((line) => line.startsWith(`${name}: `));
    expect(inCall('users.update').join('\n')).toMatch(/update \S*"users" set/);
    expect(inCall('cams.createMany').join('\n')).toMatch(/insert into \S*"cams"/);
    // BEGIN and COMMIT belong to the transaction, outside any one call.
    expect(inCall('undefined').join('\n')).toMatch(/begin[\s\S]*commit/i);
  });

  it('publishes the error of a call that fails inside a transaction, which then rolls back with the same error', async () => {
    const user = await createUser(database.db);
    const taken = await createUser(database.db, 'taken');
    const { published, events } = subscribe();

    const rolledBack = await database.db
      .transaction(async (tx) => {
        await tx.projects.create(user.id, { name: 'Rolled back' });
        await tx.users.update(user.id, { email: taken.email });
      })
      .catch((error: unknown) => error);

    expect(rolledBack).toBeInstanceOf(ConflictError);
    expect(events()).toEqual([...succeeded('projects.create'), ...failed('users.update')]);
    expect(published.find(({ kind }) => kind === 'error')!.context.error).toBe(rolledBack);
    expect((await database.db.projects.list(user.id)).items).toEqual([]);
  });

  it('publishes nothing once the tracer unsubscribes, and the calls work as before', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const { published, unsubscribe } = subscribe();
    await database.db.projects.get(user.id, project.id);
    expect(published).toHaveLength(4);

    unsubscribe();
    expect(channel.hasSubscribers).toBe(false);
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    await expect(database.db.cams.get(user.id, cam.id)).resolves.toMatchObject({ id: cam.id, name: cam.name });
    await expect(database.db.users.get('nobody')).rejects.toBeInstanceOf(NotFoundError);
    await projects.list(database.db.fork(), user.id);

    expect(published).toHaveLength(4);
  });
});
