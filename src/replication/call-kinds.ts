import type { EntityManager } from '@mikro-orm/postgresql';
import type { BoundServices } from '../services.ts';
import type * as cams from '../cam/cam.service.ts';
import type * as projects from '../project/project.service.ts';
import type * as users from '../user/user.service.ts';

/** The names of a service module's calls: its functions that take an EntityManager first (not helpers, not constants). */
type CallName<Service> = {
  [Name in keyof Service]: Service[Name] extends (em: EntityManager, ...args: never[]) => Promise<unknown> ? Name : never;
}[keyof Service] &
  string;

/** `read`: only reads, so it may go to a read replica; `write`: changes data, so it goes to the primary. */
export type CallKind = 'read' | 'write';

export type ServiceName = keyof BoundServices;

type CallKinds = {
  users: Record<CallName<typeof users>, CallKind>;
  projects: Record<CallName<typeof projects>, CallKind>;
  cams: Record<CallName<typeof cams>, CallKind>;
} & Record<ServiceName, unknown>;

/**
 * What every service call does, in one place: a call added, renamed or removed in a service module fails to compile
 * here until it is classified, so no write can ever be sent to a replica by default.
 */
export const CALL_KINDS = {
  users: { upsert: 'write', get: 'read', getByEmail: 'read', update: 'write', delete: 'write', getWithProjects: 'read' },
  projects: {
    create: 'write',
    get: 'read',
    list: 'read',
    update: 'write',
    delete: 'write',
    duplicate: 'write',
    export: 'read',
    import: 'write',
  },
  cams: { create: 'write', createMany: 'write', get: 'read', list: 'read', update: 'write', delete: 'write' },
} as const satisfies CallKinds;
