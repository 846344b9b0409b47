import type { BoundServices } from '../services.ts';
import { CALL_KINDS, type ServiceName } from './call-kinds.ts';
import type { ReplicaSet } from './replica-set.ts';
import type { WriteClock } from './session.ts';

type Call = (...args: unknown[]) => Promise<unknown>;

/**
 * The services with each read sent where `replicas` routes it and each write to the primary, as `CALL_KINDS` says.
 * With a session's `clock`, reads must see the session's last write, and each write notes when it ended.
 */
export function routedServices(primary: BoundServices, replicas: ReplicaSet, clock?: WriteClock): BoundServices {
  return { users: routed('users'), projects: routed('projects'), cams: routed('cams') };

  function routed<Service extends ServiceName>(service: Service): BoundServices[Service] {
    const calls: Record<string, unknown> = { ...primary[service] };
    for (const [name, kind] of Object.entries(CALL_KINDS[service])) {
      const onPrimary = callOf(primary, service, name);
      if (kind === 'read') {
        calls[name] = (...args: unknown[]) => replicas.read((services) => callOf(services, service, name)(...args), clock?.lastWriteAt);
      } else if (clock) {
        calls[name] = (...args: unknown[]) => clock.writing(() => onPrimary(...args));
      }
    }
    return calls as BoundServices[Service];
  }
}

function callOf(services: BoundServices, service: ServiceName, name: string): Call {
  return (services[service] as Record<string, Call>)[name]!;
}
