import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, connect } from '../../src/index.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../support/embedded-postgres.ts';

// A server of its own: restarting the shared one would fail every other test file running meanwhile.
describe('a server stopped and restarted under load', () => {
  let server: EmbeddedPostgres;
  beforeAll(async () => {
    server = await startEmbeddedPostgres();
  });
  afterAll(() => server?.stop());

  it('recovers on the same handle, and every acknowledged write is there afterwards', { timeout: 60_000 }, async () => {
    const db = connect({ url: server.adminUrl, connectTimeoutMillis: 1_000, acquireTimeoutMillis: 2_000 });
    await db.migrate();
    const acknowledged: string[] = [];
    const faults = new Set<string>();
    let restarted = false;

    // Each worker writes users one after another, repeating a call while its error says that is safe, until it has
    // written 20 more after the server came back. Any other error fails the test.
    const worker = async (name: string) => {
      let writtenSinceRestart = 0;
      for (let i = 0; writtenSinceRestart < 20; i++) {
        const id = `user_${name}_${i}`;
        for (;;) {
          try {
            await db.users.upsert({ id, email: `${id}@example.com` });
            acknowledged.push(id);
            if (restarted) writtenSinceRestart++;
            break;
          } catch (error) {
            if (!(error instanceof ConnectionError) || !error.retryable) throw error;
            faults.add(error.reason);
            await delay(20);
          }
        }
      }
    };
    const load = Promise.all(['a', 'b', 'c', 'd'].map(worker));
    await expect.poll(() => acknowledged.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(40);
    await server.restart();
    restarted = true;
    await load;

    // The load met the restart: its calls failed as the server went away and came back.
    expect(faults.size).toBeGreaterThan(0);
    expect([...faults].every((reason) => ['terminated', 'lost', 'unreachable', 'unavailable', 'connect-timeout'].includes(reason))).toBe(true);
    const stored = new Set((await db.fork().execute<{ id: string }[]>('select id from users')).map((row) => row.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    await db.close();
  });
});
