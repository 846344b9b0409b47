import type { EntityManager } from '@mikro-orm/postgresql';
import * as camService from './cam/cam.service.ts';
import { mappingErrors } from './common/map-error.ts';
import * as projectService from './project/project.service.ts';
import { traced } from './tracing.ts';
import * as userService from './user/user.service.ts';

/** `read`: only reads, so it may go to a read replica; `write`: changes data, so it goes to the primary. */
export type CallKind = 'read' | 'write';

/** A service function: the EntityManager of the unit of work first, then the call's own arguments. */
type ServiceFunction = (em: EntityManager, ...args: never[]) => Promise<unknown>;

interface CallDefinition<Fn extends ServiceFunction = ServiceFunction> {
  kind: CallKind;
  fn: Fn;
}

const read = <Fn extends ServiceFunction>(fn: Fn) => ({ kind: 'read', fn }) as const;
const write = <Fn extends ServiceFunction>(fn: Fn) => ({ kind: 'write', fn }) as const;

/** The names of a service module's calls: its functions that take an EntityManager first. */
type CallNamesOf<Module> = { [Name in keyof Module]: Module[Name] extends ServiceFunction ? Name : never }[keyof Module];

/**
 * Every service call of the package, in one place: its name (`cams.get`, as tracing publishes it), what it does
 * (reads may go to a read replica, writes go to the primary) and its function. A function added to, renamed in or
 * removed from a service module fails to compile here until it is listed, so no write reaches a replica by default.
 */
const CALLS = {
  users: {
    upsert: write(userService.upsert),
    get: read(userService.get),
    getByEmail: read(userService.getByEmail),
    update: write(userService.update),
    delete: write(userService.delete),
    getWithProjects: read(userService.getWithProjects),
  },
  projects: {
    create: write(projectService.create),
    get: read(projectService.get),
    list: read(projectService.list),
    update: write(projectService.update),
    delete: write(projectService.delete),
    duplicate: write(projectService.duplicate),
    export: read(projectService.export),
    import: write(projectService.import),
  },
  cams: {
    create: write(camService.create),
    createMany: write(camService.createMany),
    get: read(camService.get),
    list: read(camService.list),
    update: write(camService.update),
    delete: write(camService.delete),
  },
} as const satisfies {
  users: Record<CallNamesOf<typeof userService>, CallDefinition>;
  projects: Record<CallNamesOf<typeof projectService>, CallDefinition>;
  cams: Record<CallNamesOf<typeof camService>, CallDefinition>;
};

type Calls = typeof CALLS;
export type ServiceName = keyof Calls;

/** `'users.getByEmail'`, `'projects.get'`, `'cams.createMany'`, ...: every call, by service and function. */
export type ServiceCallName = { [Service in ServiceName]: `${Service}.${keyof Calls[Service] & string}` }[ServiceName];

/** A service's calls as the package exports them: each takes an EntityManager first. */
type ExportedService<Service extends ServiceName> = { readonly [Name in keyof Calls[Service]]: Calls[Service][Name] extends CallDefinition<infer Fn> ? Fn : never };

// The service functions as the package exports them: each call traced, and its failure one of the package's errors.
export const users = exportedService('users');
export const projects = exportedService('projects');
export const cams = exportedService('cams');
const EXPORTED = { users, projects, cams };

function exportedService<Service extends ServiceName>(service: Service): ExportedService<Service> {
  const calls = Object.entries(CALLS[service]).map(([name, call]: [string, CallDefinition]) => {
    const fn = call.fn as (...args: unknown[]) => Promise<unknown>;
    return [name, traced(`${service}.${name}` as ServiceCallName, (...args) => mappingErrors(() => fn(...args)))];
  });
  return Object.freeze(Object.fromEntries(calls)) as ExportedService<Service>;
}

/** A service's calls without their first argument: the facade that offers them supplies the EntityManager. */
export type BoundService<Service> = { [Name in keyof Service]: WithoutEntityManager<Service[Name]> };

// Overloaded functions (projects.get) keep both signatures; matching two overloads also covers single signatures.
type WithoutEntityManager<Fn> = Fn extends {
  (em: EntityManager, ...args: infer A1): infer R1;
  (em: EntityManager, ...args: infer A2): infer R2;
}
  ? { (...args: A1): R1; (...args: A2): R2 }
  : never;

/** Everything a unit of work can do: the service calls, each on the EntityManager the facade chooses. */
export interface BoundServices {
  users: BoundService<typeof users>;
  projects: BoundService<typeof projects>;
  cams: BoundService<typeof cams>;
}

/**
 * How a facade makes one call: on which EntityManager (the transaction's, the primary's, a replica's), and what it adds
 * around the call (counting it for `close()`, routing it, noting a session's writes).
 */
export type CallRunner = <T>(kind: CallKind, call: (em: EntityManager) => Promise<T>) => Promise<T>;

/** The service calls, each made through `run`: the one way `db.*`, `tx.*` and a session's calls are built. */
export function serviceFacade(run: CallRunner): BoundServices {
  return { users: facadeOf('users', run), projects: facadeOf('projects', run), cams: facadeOf('cams', run) };
}

type ExportedCall = (em: EntityManager, ...args: unknown[]) => Promise<unknown>;

/**
 * Each service's calls as name, kind and exported function, listed once: a facade is built per unit of work (every
 * `db.transaction()`), and walking `CALLS` for it each time cost more than the transaction's own BEGIN.
 */
const CALL_LIST = Object.fromEntries(
  (Object.keys(CALLS) as ServiceName[]).map((service) => {
    const exported = EXPORTED[service] as Record<string, ExportedCall>;
    return [service, Object.entries(CALLS[service]).map(([name, { kind }]: [string, CallDefinition]) => ({ name, kind, fn: exported[name]! }))];
  }),
) as Record<ServiceName, { name: string; kind: CallKind; fn: ExportedCall }[]>;

function facadeOf<Service extends ServiceName>(service: Service, run: CallRunner): BoundServices[Service] {
  const facade: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const { name, kind, fn } of CALL_LIST[service]) facade[name] = (...args) => run(kind, (em) => fn(em, ...args));
  return facade as BoundServices[Service];
}
