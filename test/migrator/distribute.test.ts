import { describe, expect, it } from 'vitest';
import { ConfigurationError, distribute } from '../../src/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';

/** Distributing by user needs Citus; on plain PostgreSQL it is refused and changes nothing (test/citus runs it on a cluster). */
describe('distribute() on plain PostgreSQL', () => {
  const database = useTestDatabase();

  async function layout() {
    const [row] = await database.db.fork().execute<{ lookup: boolean; unique_email: boolean; projects_key: string }[]>(
      `select to_regclass('user_emails') is not null as lookup, to_regclass('users_email_lower_unique') is not null as unique_email,
       pg_get_constraintdef((select oid from pg_constraint where conname = 'projects_pkey')) as projects_key`,
    );
    return row;
  }

  it('is refused with a ConfigurationError that says Citus is needed, and changes nothing', async () => {
    const before = await layout();
    expect(before).toEqual({ lookup: false, unique_email: true, projects_key: 'PRIMARY KEY (id)' });
    const refused = database.db.distribute();
    await expect(refused).rejects.toBeInstanceOf(ConfigurationError);
    await expect(refused).rejects.toThrow(/distribute\(\) needs Citus: the extension is not installed in this database/);
    await expect(distribute(database.db.orm, { shards: 4 } as never)).rejects.toThrow(/Invalid distribute\(\) options/);
    expect(await layout()).toEqual(before);
    // The services go on as on one server.
    expect((await database.db.users.upsert({ id: 'user_plain', email: 'plain@example.com' })).email).toBe('plain@example.com');
  });

  it('the command line says the same and exits 2, as for any configuration that cannot work', async () => {
    const result = await runCli(['distribute', '--url', database.url]);
    expect(result.stderr).toContain('distribute() needs Citus');
    expect(result.exitCode).toBe(2);
  });
});
