import { types } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import * as camService from './cam/cam.service.ts';
import { traced, type ServiceCall, type ServiceCallName } from './common/tracing.ts';
import * as projectService from './project/project.service.ts';
import * as userService from './user/user.service.ts';

// The service functions as the package exports them: each call published on the tracing channel.
export const users = tracedService('users', userService);
export const projects = tracedService('projects', projectService);
export const cams = tracedService('cams', camService);

/** The service functions without their first argument: the EntityManager is supplied by whoever binds them. */
export type BoundService<Service> = { [Name in keyof Service]: WithoutEntityManager<Service[Name]> };

// Overloaded functions (projects.get) keep both signatures; matching two overloads also covers single signatures.
type WithoutEntityManager<Fn> = Fn extends {
  (em: EntityManager, ...args: infer A1): infer R1;
  (em: EntityManager, ...args: infer A2): infer R2;
}
  ? { (...args: A1): R1; (...args: A2): R2 }
  : never;

/** Everything a unit of work can do: the services bound to one EntityManager, and that EntityManager. */
export interface BoundServices {
  users: BoundService<typeof users>;
  projects: BoundService<typeof projects>;
  cams: BoundService<typeof cams>;
}

/** Runs one bound call; `db.users.*` and the like count it as running, for `db.close()`. */
export type CallRunner = <T>(call: () => Promise<T>) => Promise<T>;

const runNow: CallRunner = (call) => call();

/** The same services, each call made through `run`. */
export function runEach(services: BoundServices, run: CallRunner): BoundServices {
  return { users: throughRunner(services.users, run), projects: throughRunner(services.projects, run), cams: throughRunner(services.cams, run) };
}

function throughRunner<Service extends object>(service: Service, run: CallRunner): Service {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(service)) {
    if (typeof fn === 'function') wrapped[name] = (...args: unknown[]) => run(() => fn(...args));
  }
  return wrapped as Service;
}

/** Binds every service function to `em`: each call on the result is the function called with `em` first, by `run`. */
export function bindServices(em: EntityManager, run: CallRunner = runNow): BoundServices {
  return { users: bind(users, em, run), projects: bind(projects, em, run), cams: bind(cams, em, run) };
}

/**
 * The service's functions with every service call traced, under the service's name (`cams.createMany`). The calls
 * are its async functions; the rest (`cams.withAnalysis`, constants) is passed on as it is.
 */
function tracedService<Service extends object>(prefix: 'users' | 'projects' | 'cams', service: Service): Service {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(service)) {
    wrapped[name] = types.isAsyncFunction(value) ? traced(`${prefix}.${name}` as ServiceCallName, value as ServiceCall) : value;
  }
  return Object.freeze(wrapped) as Service;
}

function bind<Service extends object>(service: Service, em: EntityManager, run: CallRunner): BoundService<Service> {
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(service)) {
    if (typeof fn === 'function') {
      bound[name] = (...args: unknown[]) => run(() => fn(em, ...args));
    }
  }
  return bound as BoundService<Service>;
}
