import { tracingChannel } from 'node:diagnostics_channel';
import type { EntityManager } from '@mikro-orm/postgresql';
import type * as camService from '../cam/cam.service.ts';
import type * as projectService from '../project/project.service.ts';
import type * as userService from '../user/user.service.ts';

/**
 * The `diagnostics_channel` TracingChannel every service call publishes on. One channel for all of them, with the
 * call's name in the context: a tracer subscribes once and sees every call, and a call with nobody listening costs one
 * `hasSubscribers` check.
 */
export const SERVICE_CALL_CHANNEL = 'enginecampro-db:service';

/** `'users.getByEmail'`, `'projects.get'`, `'cams.createMany'`, ...: the service and the function, as exported. */
export type ServiceCallName = CallNames<'users', typeof userService> | CallNames<'projects', typeof projectService> | CallNames<'cams', typeof camService>;

type CallNames<Prefix extends string, Service> = {
  [Name in keyof Service & string]: Service[Name] extends (em: EntityManager, ...args: never[]) => Promise<unknown> ? `${Prefix}.${Name}` : never;
}[keyof Service & string];

/**
 * What each event of a service call carries. Never the arguments nor the result: both hold the caller's data
 * (e-mail addresses, names, profiles). A subscriber may add fields of its own, such as its span.
 */
export interface ServiceCallContext {
  readonly name: ServiceCallName;
  /** On `error`, `asyncStart` and `asyncEnd` of a failed call: the very error the caller receives. */
  error?: unknown;
}

/** A service function: an async function, whatever its arguments. */
export type ServiceCall = (...args: unknown[]) => Promise<unknown>;

const channel = tracingChannel<unknown, ServiceCallContext>(SERVICE_CALL_CHANNEL);

/**
 * `call`, publishing on the channel when anyone listens: `start`, `end`, then `asyncStart` and `asyncEnd` when its
 * promise settles, with `error` first when it fails. These are `tracePromise`'s events in its order, and
 * stores bound to `start` hold for the whole call; only the result is left off the context.
 */
export function traced(name: ServiceCallName, call: ServiceCall): ServiceCall {
  return function tracedCall(this: unknown, ...args: unknown[]) {
    if (!channel.hasSubscribers) return call.apply(this, args);
    const context: ServiceCallContext = { name };
    return channel.start.runStores(context, () => {
      try {
        return call.apply(this, args).then(
          (result) => {
            channel.asyncStart.publish(context);
            channel.asyncEnd.publish(context);
            return result;
          },
          (error: unknown) => {
            failed(context, error);
            channel.asyncStart.publish(context);
            channel.asyncEnd.publish(context);
            throw error;
          },
        );
      } catch (error) {
        failed(context, error);
        throw error;
      } finally {
        channel.end.publish(context);
      }
    });
  };
}

function failed(context: ServiceCallContext, error: unknown): void {
  context.error = error;
  channel.error.publish(context);
}
