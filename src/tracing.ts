import { tracingChannel } from 'node:diagnostics_channel';
import type { ServiceCallName } from './services.ts';

/**
 * The `diagnostics_channel` TracingChannel every service call publishes on. One channel for all of them, with the
 * call's name in the context: a tracer subscribes once and sees every call, and a call with nobody listening costs one
 * `hasSubscribers` check.
 */
export const SERVICE_CALL_CHANNEL = 'enginecampro-db:service';

/**
 * What each event of a service call carries. Never the arguments nor the result: both hold the caller's data
 * (e-mail addresses, names, profiles). A subscriber may add fields of its own, such as its span.
 */
export interface ServiceCallContext {
  readonly name: ServiceCallName;
  /** On `error`, `asyncStart` and `asyncEnd` of a failed call: the very error the caller receives. */
  error?: unknown;
}

/** A service call: an async function, whatever its arguments. */
type ServiceCall = (...args: unknown[]) => Promise<unknown>;

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
