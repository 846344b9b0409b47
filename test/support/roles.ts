import pg from 'pg';

/** The password of the granted role of a `TEST_ROLE=granted` run. */
export const GRANTED_ROLE_PASSWORD = 'granted';

/** The roles of Supabase's Data API as its setup creates them: no login, no inheritance; `service_role` bypasses RLS. */
const SUPABASE_ROLES = [
  { name: 'anon', attributes: 'nologin noinherit' },
  { name: 'authenticated', attributes: 'nologin noinherit' },
  { name: 'service_role', attributes: 'nologin noinherit bypassrls' },
];

/** Creates Supabase's roles on the server when missing: roles belong to the whole server, and other test files may create them at the same time. */
export async function ensureSupabaseRoles(adminUrl: string): Promise<void> {
  await onServer(adminUrl, async (client) => {
    for (const { name, attributes } of SUPABASE_ROLES) {
      await client.query(`do $$ begin create role ${name} ${attributes}; exception when duplicate_object or unique_violation then null; end $$`);
    }
  });
}

/**
 * The privileges of a Supabase project before 30 May 2026 (and of its self-hosted setup and many tutorials): the API
 * roles may use schema `public`, and everything `postgres` creates, there or (`everywhere`) in any schema, is theirs.
 */
export async function supabaseDefaultPrivileges(databaseUrl: string, options: { everywhere?: boolean } = {}): Promise<void> {
  const scope = options.everywhere ? '' : 'in schema public';
  await onServer(databaseUrl, async (client) => {
    await client.query('grant usage on schema public to anon, authenticated, service_role');
    for (const objects of ['tables', 'functions', 'sequences']) {
      await client.query(`alter default privileges for role postgres ${scope} grant all on ${objects} to anon, authenticated, service_role`);
    }
  });
}

/** A login role that owns nothing and bypasses nothing, and the URL of `databaseUrl`'s database as that role. */
export async function createLoginRole(adminUrl: string, databaseUrl: string, name: string): Promise<string> {
  await onServer(adminUrl, (client) => client.query(`create role ${name} login password '${name}' nosuperuser nobypassrls`));
  const url = new URL(databaseUrl);
  url.username = name;
  url.password = name;
  return url.toString();
}

export async function dropRole(adminUrl: string, name: string): Promise<void> {
  await onServer(adminUrl, (client) => client.query(`drop role if exists ${name}`));
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
