/**
 * 14. Failover: writes follow the primary when a high-availability formation promotes its standby, and the old
 * primary, back as a standby, is left behind. A real pg_auto_failover formation (a monitor and two PostgreSQL 15
 * nodes) is started for the example, from Debian's package `postgresql-15-auto-failover` (installed when missing and
 * run as root); where it cannot be had, the example says why and stops.
 *
 *   npm run example -- failover
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError, connect, type ConnectOptions } from '@enginecampro/db';
import { FailoverFormationUnavailable, startFailoverFormation, type FailoverFormation } from '../test/support/failover-formation.ts';

console.log('(starting a pg_auto_failover formation for this example: a monitor and two PostgreSQL 15 nodes, about 20 s)');
let formation: FailoverFormation;
try {
  formation = await startFailoverFormation();
} catch (error) {
  if (!(error instanceof FailoverFormationUnavailable)) throw error;
  console.log(`a pg_auto_failover formation cannot be had here: ${error.message}`);
  process.exit(0);
}

try {
  // What pg_auto_failover prints for its clients (`pg_autoctl show uri`): every node, and libpq's
  // target_session_attrs=read-write. Each new connection goes to the first node that takes writes; Patroni's URLs
  // look the same. With the primary's URL alone and the standby as a replica, connect({ url, replicas: [standby] }),
  // writes follow the same way: the primary is looked for among the replicas too.
  const url = formation.multiHostUrl;
  console.log(`connection string: ${url.replace(/\d{4,5}/g, 'PORT')}`);
  const migrator = connect({ url });
  await migrator.migrate();
  await migrator.close();

  const db = connect({ url, connectTimeoutMillis: 2_000 });
  const user = await db.users.upsert({ id: 'user_failover', email: 'failover@example.com' });
  const before = db.primaryStatus();
  console.log(`primary before: ${nodeName(before.host)}, chosen among ${before.candidates.length} hosts (${before.targetSessionAttrs})`);

  // A writer and a reader through the failover. Calls that fail meanwhile get a ConnectionError whose `retryable`
  // says whether repeating them is safe: a write refused by the demoted primary wrote nothing.
  const first = await throughFailover(db, user.id, () => formation.failover());
  console.log(`after \`pg_autoctl perform failover\`: primary now ${nodeName(db.primaryStatus().host)}, switches: ${db.primaryStatus().switches}`);
  console.log(`writes: ${first.written} acknowledged, first one on the new primary ${first.resumedMillis} ms after the command`);
  console.log(`failed meanwhile: ${first.failed}, all of them ConnectionError: ${first.typed ? 'yes' : 'no'}, all safe to repeat: ${first.repeatable ? 'yes' : 'no'}`);
  const { items } = await db.projects.list(user.id, { limit: 1 });
  console.log(`the newest project is on the new primary: ${items.length === 1 ? 'yes' : 'no'}`);
  await db.close();

  // With failoverRetry, the calls that are safe to repeat are repeated (backing off, within 15 s) instead of failing.
  const options: ConnectOptions = { url, connectTimeoutMillis: 2_000, failoverRetry: { withinMillis: 15_000 } };
  const retrying = connect(options);
  const second = await throughFailover(retrying, user.id, () => formation.switchover());
  console.log(`after \`pg_autoctl perform switchover\` with failoverRetry: primary now ${nodeName(retrying.primaryStatus().host)}, ${second.failed === 1 ? '1 call' : `${second.failed} calls`} failed`);
  await retrying.close();
} finally {
  await formation.stop();
}

/** Writes projects and reads the user, one call after another, from 1 s before `failover` to 1 s after it settled. */
async function throughFailover(db: ReturnType<typeof connect>, userId: string, failover: () => Promise<{ startedAt: number; newPrimary: { port: number } }>) {
  let running = true;
  const writes: { at: number; host: string | null }[] = [];
  const failures: unknown[] = [];
  const calls = async (call: () => Promise<unknown>, isWrite: boolean) => {
    while (running) {
      try {
        await call();
        if (isWrite) writes.push({ at: Date.now(), host: db.primaryStatus().host });
      } catch (error) {
        failures.push(error);
        await sleep(50);
      }
    }
  };
  const callers = [calls(() => db.projects.create(userId, { name: 'written through a failover' }), true), calls(() => db.users.get(userId), false)];
  await sleep(1_000);
  const { startedAt, newPrimary } = await failover();
  await sleep(1_000);
  running = false;
  await Promise.all(callers);
  const onNewPrimary = writes.filter((write) => write.at >= startedAt && write.host === `127.0.0.1:${newPrimary.port}`);
  return {
    written: writes.length,
    resumedMillis: Math.min(...onNewPrimary.map((write) => write.at)) - startedAt,
    failed: failures.length,
    typed: failures.every((error) => error instanceof ConnectionError),
    repeatable: failures.every((error) => error instanceof ConnectionError && error.retryable),
  };
}

function nodeName(host: string | null): string {
  const node = formation.nodes.find((candidate) => host === `127.0.0.1:${candidate.port}`);
  return node ? node.name : String(host);
}
