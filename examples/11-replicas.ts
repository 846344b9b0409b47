/**
 * 11. Read replicas: plain reads from a streaming replica, a session that reads its own writes while the replica is
 * behind, and a replica that stops without any caller noticing.
 *
 *   npm run example -- replicas
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type Database } from '@enginecampro/db';
import { exampleReplicaPair } from './support/database.ts';

const servers = await exampleReplicaPair();

// One pool for the primary and one per replica, built from the same options (schema, TLS, logging); a replica may
// override its pool, TLS, connect timeout and application name. A plain read goes to a replica only while the
// probes (every maxReplicaLagMillis / 4) show it holds everything the primary had committed maxReplicaLagMillis ago.
const db = connect({ url: servers.primaryUrl, replicas: [{ url: servers.replicaUrl, pool: { max: 10 } }], maxReplicaLagMillis: 5_000 });

try {
  // Migrations, writes and transactions always run on the primary.
  await db.migrate();
  const user = await db.users.upsert({ id: 'user_replicas', email: 'replicas@example.com' });
  await inRotation(db);
  const [status] = db.replicaStatus();
  console.log(`replica in rotation: ${status!.inRotation}, ${status!.lagBytes} bytes of WAL behind at the last probe`);
  console.log(`plain read, from the replica: ${(await db.users.get(user.id)).email}`);

  // A session is one flow of work, say one request: its reads never miss its own writes. Until a probe shows the
  // replica has replayed them, they go to the primary; writes cost no extra statement.
  await servers.embedded?.pauseReplay();
  const session = db.session();
  await session.projects.create(user.id, { name: 'Written while the replica is paused' });
  const { items } = await session.projects.list(user.id);
  console.log(`the session reads its own write at once: ${items.length} project, "${items[0]!.name}"`);
  await servers.embedded?.resumeReplay();

  if (servers.embedded) {
    // A replica that stops, fails or falls behind leaves the rotation; a read that fails on it is made again on
    // another replica or the primary, so no caller sees the error.
    await inRotation(db);
    await servers.embedded.stopReplica();
    let answered = 0;
    for (let read = 0; read < 20; read++) if (await db.users.get(user.id)) answered++;
    console.log(`replica stopped: ${answered} of 20 reads answered, replica in rotation: ${db.replicaStatus()[0]!.inRotation}`);
  }
} finally {
  await db.close();
  await servers.stop();
}

/** Waits for the first probes (until then every read goes to the primary), and says so if they take too long. */
async function inRotation(handle: Database): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!handle.replicaStatus().every((replica) => replica.inRotation)) {
    if (Date.now() > deadline) throw new Error(`the replica did not enter the rotation within 60 s: ${JSON.stringify(handle.replicaStatus())}`);
    await sleep(50);
  }
}
