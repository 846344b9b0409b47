import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigurationError, connect, type Database } from '../../src/index.ts';
import { camInput } from '../support/fixtures.ts';
import { ensureSupabaseRoles, supabaseDefaultPrivileges } from '../support/roles.ts';
import { securityLints } from '../support/security-lints.ts';
import { useTestDatabase } from '../support/test-database.ts';

/**
 * End users of a Supabase application reading their own rows through the Data API or Realtime: each request is what
 * PostgREST makes of it, `set local role authenticated` and the verified JWT's claims in `request.jwt.claims`.
 */
const database = useTestDatabase({ migrated: false });
let db: Database;

/** Runs `sql` as PostgREST runs a request with a JWT of these claims (none: an anonymous request). */
async function request(sql: string, claims?: Record<string, string>): Promise<{ rows: Record<string, unknown>[] } | { code: string }> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`set local role ${claims ? 'authenticated' : 'anon'}`);
    if (claims) await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', ...claims })]);
    return { rows: (await client.query(sql)).rows };
  } catch (error) {
    return { code: (error as { code: string }).code };
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

const MY_PROJECTS_WITH_CAMS = `select p.name, coalesce((select json_agg(c.name order by c.id) from cams c where c.project_id = p.id), '[]') as cams
  from projects p order by p.id`;

beforeAll(async () => {
  await ensureSupabaseRoles(inject('postgresAdminUrl'));
  await supabaseDefaultPrivileges(database.url);
  db = connect({ url: database.url });
  await db.migrate({ endUsers: {} });
  for (const id of ['user_alice', 'user_bob']) {
    await db.users.upsert({ id, email: `${id}@example.com` });
    const project = await db.projects.create(id, { name: `${id}'s street cam` });
    await db.cams.createMany(id, project.id, [camInput({ name: `${id} intake` }), camInput({ name: `${id} exhaust`, camType: 'exhaust' })]);
  }
});
afterAll(() => db.close());

describe('with end-user access on (role authenticated, user id in the claim sub)', () => {
  it('a signed-in user reads their own user, projects and cams, and nothing of anyone else', async () => {
    expect(await request(MY_PROJECTS_WITH_CAMS, { sub: 'user_alice' })).toEqual({
      rows: [{ name: "user_alice's street cam", cams: ['user_alice intake', 'user_alice exhaust'] }],
    });
    expect(await request('select id, email from users', { sub: 'user_alice' })).toEqual({ rows: [{ id: 'user_alice', email: 'user_alice@example.com' }] });
    expect(await request(`select count(*)::int as count from cams where user_id = 'user_bob'`, { sub: 'user_alice' })).toEqual({ rows: [{ count: 0 }] });
  });

  it('a request without a user, and an anonymous one, read nothing', async () => {
    expect(await request('select count(*)::int as count from projects', {})).toEqual({ rows: [{ count: 0 }] });
    expect(await request('select count(*)::int as count from projects')).toEqual({ code: '42501' });
  });

  it('writes stay with the services: every write of a signed-in user is refused', async () => {
    for (const sql of [`update cams set lift = 1`, `delete from projects`, `insert into projects (user_id, name) values ('user_alice', 'x')`, `update users set subscription_status = 'pro'`]) {
      expect(await request(sql, { sub: 'user_alice' })).toEqual({ code: '42501' });
    }
  });

  it('reads the claim once per statement, as the Security Advisor asks, and grants reads alone', async () => {
    expect(await securityLints(database.url, ['public'], ['users', 'projects', 'cams'], ['enginecampro_iso_timestamp'])).toEqual([
      // The reads it grants, and nothing more: SELECT on the three tables.
      ...['users', 'projects', 'cams'].map((name) => ({ lint: 'authenticated_privileges', object: `public.${name}` })),
    ]);
  });

  it('stays on through a later migrate() that does not mention it', async () => {
    await db.migrate();
    expect(await request('select count(*)::int as count from projects', { sub: 'user_bob' })).toEqual({ rows: [{ count: 1 }] });
  });
});

describe('end-user access with another claim, then off', () => {
  it("takes the user's id from the claim it is told, as a third-party provider puts it", async () => {
    await db.migrate({ endUsers: { claim: 'user_id' } });
    expect(await request('select count(*)::int as count from projects', { sub: 'someone', user_id: 'user_bob' })).toEqual({ rows: [{ count: 1 }] });
    expect(await request('select count(*)::int as count from projects', { sub: 'user_bob' })).toEqual({ rows: [{ count: 0 }] });
  });

  it('is turned off with endUsers: false, and the role reads nothing again', async () => {
    await db.migrate({ endUsers: false });
    expect(await request('select count(*)::int as count from projects', { user_id: 'user_bob' })).toEqual({ code: '42501' });
    expect(await securityLints(database.url, ['public'], ['users', 'projects', 'cams'], ['enginecampro_iso_timestamp'])).toEqual([]);
  });

  it('refuses a role that does not exist, and changes nothing', async () => {
    await expect(db.migrate({ endUsers: { role: 'no_such_role' } })).rejects.toBeInstanceOf(ConfigurationError);
    expect(await request('select count(*)::int as count from projects', { user_id: 'user_bob' })).toEqual({ code: '42501' });
  });
});
