import type { EntityManager } from '@mikro-orm/postgresql';
import { ALL_ROWS_POLICY } from '../common/acting-user.ts';
import { ConfigurationError } from '../common/errors.ts';
import { PACKAGE_TABLES } from '../entities.ts';
import { MIGRATIONS_TABLE } from './migration-history.ts';

/**
 * Who may use the package's tables, applied by `migrate()` after the migrations, in their transaction:
 * - roles granted what the service calls need at run time (`grantTo`), and nothing that changes the schema;
 * - for each of them, whether the database enforces ownership too (`enforceOwnership`: the acting-user policies) or
 *   the package's statements alone do (the all-rows policy), as for the tables' owner;
 * - roles whose grants are revoked (`revokeFrom`);
 * - read access for the end users of a Supabase application (`endUsers`), through policies of their own;
 * - Supabase's API roles left with no other privilege, whatever default privileges gave them.
 * What the database holds is the state: roles already granted are granted again (so tables of later migrations
 * reach them), end-user access stays until it is turned off.
 */

/** The roles Supabase's Data API runs requests as: never granted the tables, only end-user reads through policies. */
export const API_ROLES = ['anon', 'authenticated', 'service_role'] as const;

/** The policy that lets an end user read their own rows through the Data API or Realtime. */
export const END_USER_POLICY = 'enginecampro_end_user_read';

export interface EndUserAccess {
  /** The role PostgREST runs signed-in requests as. Default `authenticated`. */
  role: string;
  /** The claim of the request's JWT that holds the user's id: `sub` for Supabase Auth (`auth.uid()`) and Clerk. */
  claim: string;
}

export interface AccessChanges {
  grantTo: readonly string[];
  /**
   * Whether the roles of `grantTo` are held to the acting user by the database; `undefined` leaves a role granted
   * before as it was, and a new one with ownership enforced by the package's statements alone.
   */
  enforceOwnership: boolean | undefined;
  revokeFrom: readonly string[];
  /** Turn end-user reads on (with their role and claim) or off (`false`); `undefined` leaves them as they are. */
  endUsers: EndUserAccess | false | undefined;
}

/** Refuses, before anything is written, roles that do not exist and grants that would open the tables too wide. */
export async function checkAccessChanges(em: EntityManager, changes: AccessChanges): Promise<void> {
  const forbidden = changes.grantTo.filter((role) => role === 'public' || (API_ROLES as readonly string[]).includes(role));
  if (forbidden.length) {
    throw new ConfigurationError(
      `Cannot grant the package's tables to ${forbidden.map((role) => `"${role}"`).join(', ')}: every request of Supabase's Data API runs as these roles, ` +
        'and would read and write rows past the services\' validation. For end users reading their own rows, use endUsers.',
    );
  }
  if (changes.enforceOwnership !== undefined && changes.grantTo.length === 0) {
    throw new ConfigurationError('enforceOwnership applies to the roles of grantTo: name them (migrate({ grantTo: \'app\', enforceOwnership: true }))');
  }
  const named = [...changes.grantTo, ...changes.revokeFrom, ...(changes.endUsers ? [changes.endUsers.role] : [])];
  if (named.length === 0) return;
  const found = new Set((await em.execute<{ rolname: string }[]>('select rolname from pg_roles where rolname in (?)', [named])).map((row) => row.rolname));
  const missing = [...new Set(named)].filter((role) => !found.has(role));
  if (missing.length) {
    throw new ConfigurationError(`No such role: ${missing.map((role) => `"${role}"`).join(', ')}. Create it first (create role ... login), then grant it the package's tables.`);
  }
}

/** Applies `changes` and the standing rules in `schema`, inside the migration transaction. */
export async function applyAccess(em: EntityManager, schema: string, changes: AccessChanges): Promise<void> {
  const objects = await packageObjects(em, schema);
  const grantedBefore = new Set(await grantedRoles(em, objects));
  const allRowsBefore = await policyRoles(em, objects, ALL_ROWS_POLICY);
  for (const role of changes.revokeFrom) await revokeAll(em, objects, role);
  if (changes.endUsers === false) await removeEndUserAccess(em, objects);
  if (changes.endUsers) await grantEndUserAccess(em, objects, changes.endUsers);
  const revoked = new Set(changes.revokeFrom);
  const granted = new Set([...grantedBefore, ...changes.grantTo].filter((role) => !revoked.has(role)));
  for (const role of granted) await grantRuntime(em, objects, role);
  await setAllRowsRoles(em, objects, allRowsBefore, allRowsRolesAfter(changes, grantedBefore, allRowsBefore));
  await lockOutApiRoles(em, objects);
}

/** The roles that see every row after `changes`: granted roles whose ownership the database does not enforce. */
function allRowsRolesAfter(changes: AccessChanges, grantedBefore: ReadonlySet<string>, before: ReadonlyMap<string, readonly string[]>): Set<string> {
  const after = new Set([...before.values()].flat());
  for (const role of changes.grantTo) {
    // Left out, the option keeps a role's way: a role granted before and not seeing every row stays enforced.
    const enforced = changes.enforceOwnership ?? (grantedBefore.has(role) && !after.has(role));
    if (enforced) after.delete(role);
    else after.add(role);
  }
  for (const role of changes.revokeFrom) after.delete(role);
  return after;
}

/** The roles of one of the package's access policies, by table (a table of a later migration may have none yet). */
async function policyRoles(em: EntityManager, objects: PackageObjects, policy: string): Promise<Map<string, string[]>> {
  const rows = await em.execute<{ table: string; roles: string[] }[]>(
    `select tablename as "table", roles::text[] as roles from pg_policies where schemaname = ? and policyname = ?`,
    [objects.schemaName, policy],
  );
  return new Map(rows.map((row) => [row.table, row.roles]));
}

/**
 * The all-rows policy on every table for exactly `roles`, changed only where it differs: creating a policy locks its
 * table, which a `migrate()` at every start of the application should not do for nothing.
 */
async function setAllRowsRoles(em: EntityManager, objects: PackageObjects, before: ReadonlyMap<string, readonly string[]>, roles: ReadonlySet<string>): Promise<void> {
  const wanted = [...roles].sort();
  for (const table of objects.tables) {
    const current = [...(before.get(table.name) ?? [])].sort();
    if (current.join('\u0000') === wanted.join('\u0000')) continue;
    await em.execute(`drop policy if exists ${identifier(ALL_ROWS_POLICY)} on ${table.sql}`);
    if (wanted.length) {
      await em.execute(`create policy ${identifier(ALL_ROWS_POLICY)} on ${table.sql} as permissive for all to ${wanted.map(identifier).join(', ')} using (true) with check (true)`);
    }
  }
}

/** The package's objects in one schema that exist (an installation migrated part of the way has fewer), as SQL names them. */
interface PackageObjects {
  /** The schema as a value, and as SQL names it. */
  schemaName: string;
  schema: string;
  /** The tables of the entities: users, projects, cams. */
  tables: { name: string; sql: string }[];
  history: string[];
  sequences: string[];
  functions: string[];
}

async function packageObjects(em: EntityManager, schema: string): Promise<PackageObjects> {
  const qualified = (name: string) => `${identifier(schema)}.${identifier(name)}`;
  const tables = [...PACKAGE_TABLES, MIGRATIONS_TABLE].map((name) => ({ name, sql: qualified(name) }));
  const timestamp = `${qualified('enginecampro_iso_timestamp')}(timestamptz)`;
  const [found] = await em.execute<{ tables: boolean[]; sequences: (string | null)[]; timestamp: boolean }[]>(
    `select array(select to_regclass(c.name) is not null from unnest(array[?]::text[]) with ordinality as c(name, n) order by c.n) as tables,
            array(select case when to_regclass(c.name) is not null then pg_get_serial_sequence(c.name, 'id') end
                    from unnest(array[?]::text[]) with ordinality as c(name, n) order by c.n) as sequences,
            to_regprocedure(?::text) is not null as timestamp`,
    [tables.map((table) => table.sql), tables.map((table) => table.sql), timestamp],
  );
  const present = tables.filter((_, index) => found!.tables[index]);
  return {
    schemaName: schema,
    schema: identifier(schema),
    tables: present.filter((table) => table.name !== MIGRATIONS_TABLE),
    history: present.filter((table) => table.name === MIGRATIONS_TABLE).map((table) => table.sql),
    sequences: found!.sequences.filter((sequence): sequence is string => sequence !== null),
    functions: found!.timestamp ? [timestamp] : [],
  };
}

/** What the service calls need at run time: rows, ids, the timestamp function, the history (to report), the schema. */
async function grantRuntime(em: EntityManager, objects: PackageObjects, role: string): Promise<void> {
  const to = identifier(role);
  // `public` is every role's to use unless the database says otherwise: its grants are the database's, not ours.
  if (objects.schemaName !== 'public') await em.execute(`grant usage on schema ${objects.schema} to ${to}`);
  await onEach(em, `grant select, insert, update, delete on table`, objects.tables.map((table) => table.sql), `to ${to}`);
  await onEach(em, `grant select on table`, objects.history, `to ${to}`);
  await onEach(em, `grant usage on sequence`, objects.sequences, `to ${to}`);
  await onEach(em, `grant execute on function`, objects.functions, `to ${to}`);
}

async function revokeAll(em: EntityManager, objects: PackageObjects, role: string): Promise<void> {
  const from = identifier(role);
  await onEach(em, `revoke all on table`, [...objects.tables.map((table) => table.sql), ...objects.history], `from ${from}`);
  await onEach(em, `revoke all on sequence`, objects.sequences, `from ${from}`);
  await onEach(em, `revoke all on function`, objects.functions, `from ${from}`);
  // A schema of the package's own; `public` and its grants belong to the database.
  if (objects.schemaName !== 'public') await em.execute(`revoke all on schema ${objects.schema} from ${from}`);
}

/** One GRANT or REVOKE for a list of objects; none for an empty list. */
async function onEach(em: EntityManager, command: string, objects: readonly string[], toOrFrom: string): Promise<void> {
  if (objects.length) await em.execute(`${command} ${objects.join(', ')} ${toOrFrom}`);
}

/** Roles other than the owner that may write the package's users: those granted the tables, by `grantTo` or by hand. */
async function grantedRoles(em: EntityManager, objects: PackageObjects): Promise<string[]> {
  if (!objects.tables.length) return [];
  const rows = await em.execute<{ rolname: string }[]>(
    `select distinct grantee.rolname from pg_class c, aclexplode(c.relacl) privilege join pg_roles grantee on grantee.oid = privilege.grantee
      where c.oid = ?::regclass and privilege.privilege_type = 'INSERT' and privilege.grantee <> c.relowner`,
    [objects.tables[0]!.sql],
  );
  return rows.map((row) => row.rolname).filter((role) => !(API_ROLES as readonly string[]).includes(role));
}

/**
 * The end user's own rows, read-only, for the role PostgREST and Realtime run signed-in requests as: the user's id is
 * the JWT claim PostgREST puts in `request.jwt.claims`, read once per statement. Writes stay with the services.
 */
async function grantEndUserAccess(em: EntityManager, objects: PackageObjects, access: EndUserAccess): Promise<void> {
  await removeEndUserAccess(em, objects);
  const claim = `(select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> ${literal(access.claim)})`;
  for (const table of objects.tables) {
    const owner = table.name === 'users' ? 'id' : 'user_id';
    await em.execute(`create policy ${identifier(END_USER_POLICY)} on ${table.sql} as permissive for select to ${identifier(access.role)} using (${owner} = ${claim})`);
  }
}

async function removeEndUserAccess(em: EntityManager, objects: PackageObjects): Promise<void> {
  for (const table of objects.tables) await em.execute(`drop policy if exists ${identifier(END_USER_POLICY)} on ${table.sql}`);
}

/**
 * Supabase's API roles keep no privilege on the package's objects but the reads of end-user access, where a policy
 * grants it. Only roles that exist: a database without Supabase's roles is left as it is.
 */
async function lockOutApiRoles(em: EntityManager, objects: PackageObjects): Promise<void> {
  const present = (await em.execute<{ rolname: string }[]>('select rolname from pg_roles where rolname in (?)', [[...API_ROLES]])).map((row) => row.rolname);
  for (const role of present) await revokeAll(em, objects, role);
  const readers = new Set([...(await policyRoles(em, objects, END_USER_POLICY)).values()].flat());
  for (const role of readers) {
    if (objects.schemaName !== 'public') await em.execute(`grant usage on schema ${objects.schema} to ${identifier(role)}`);
    await onEach(em, 'grant select on table', objects.tables.map((table) => table.sql), `to ${identifier(role)}`);
  }
}

/** An SQL identifier: any name, quoted. */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** An SQL string literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
