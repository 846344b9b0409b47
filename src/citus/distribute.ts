import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { bundledMigrations } from '../../migrations/index.ts';
import { ACTING_USER_POLICIES_ON_CITUS } from '../common/acting-user.ts';
import { ConfigurationError } from '../common/errors.ts';
import { mappingErrors } from '../common/map-error.ts';
import { parseOptions } from '../common/options.ts';
import { readMigrationHistory } from '../migrator/migration-history.ts';
import { enterSchema } from '../migrator/migration-schema.ts';
import { underMigrationLock, type MigrationTarget } from '../migrator/migrator.ts';
import { isDistributedByUser } from './layout.ts';

const distributeOptionsSchema = z.strictObject({
  /** The schema of the package's tables; default as for `migrate()`. */
  schema: z.string().optional(),
  /**
   * Move the projects and cams while they stay writable (Citus's `create_distributed_table_concurrently`, which needs
   * `wal_level = logical`): for an installation too large to stop writes while its rows are copied. Only the writes to
   * `users` and `projects` wait, while the users' rows are copied. Default: one transaction, which blocks writes to
   * every table while the rows move. Either way each step is one statement, bound by the handle's
   * `statementTimeoutMillis`: distribute a large installation from a handle of its own with a bound that fits.
   */
  online: z.boolean().default(false),
});

export type DistributeOptions = z.input<typeof distributeOptionsSchema>;

/** The e-mail lookup, filled from `users`, in place of the unique index on `lower(email)`. */
const LOOKUP_FROM_USERS = [
  'create table user_emails (email varchar(255) not null, user_id varchar(255) not null, constraint user_emails_pkey primary key (email))',
  'insert into user_emails (email, user_id) select lower(email), id from users',
  'alter table user_emails enable row level security',
  'drop index users_email_lower_unique',
];

/** The policies in the form Citus allows on distributed tables (no subquery). */
const POLICIES_ON_CITUS = Object.entries(ACTING_USER_POLICIES_ON_CITUS).flatMap(([table, policy]) => [
  `drop policy if exists ${policy.name} on ${table}`,
  `create policy ${policy.name} on ${table} as permissive for all to public using (${policy.using}) with check (${policy.check})`,
]);

/**
 * The layout of an installation distributed by user, made from the one the migrations build, in one transaction on
 * the coordinator. Keys and foreign keys gain the owner (Citus requires the distribution column in each), the unique
 * address index becomes the lookup `user_emails`, the policies take the form Citus allows, and then the tables are
 * distributed and co-located: a user's row, projects and cams share one worker.
 */
const TO_DISTRIBUTED_LAYOUT = [
  ...LOOKUP_FROM_USERS,
  'alter table cams drop constraint cams_project_id_foreign',
  'alter table projects drop constraint projects_pkey',
  'alter table projects add constraint projects_pkey primary key (user_id, id)',
  'alter table cams drop constraint cams_pkey',
  'alter table cams add constraint cams_pkey primary key (user_id, id)',
  'alter table cams add constraint cams_project_id_foreign foreign key (user_id, project_id) references projects (user_id, id) on delete cascade',
  ...POLICIES_ON_CITUS,
  `select create_distributed_table('users', 'id')`,
  `select create_distributed_table('projects', 'user_id', colocate_with => 'users')`,
  `select create_distributed_table('cams', 'user_id', colocate_with => 'users')`,
  `select create_distributed_table('user_emails', 'email', colocate_with => 'none')`,
];

/** What `distribute()` did: the tables it distributed, none when they already were. */
export interface DistributeResult {
  distributed: string[];
}

/**
 * Distributes the package's tables by user on a Citus coordinator: `users` by `id`, `projects` and `cams` by `user_id`,
 * co-located, with the e-mail lookup `user_emails` distributed by address (docs/scaling.md, "Rows distributed by
 * user"). One transaction under the migration lock; does nothing where the tables already are distributed so.
 * Refused, changing nothing, without Citus, off the coordinator, with migrations pending, in a schema of schema-based
 * sharding, or where `migrate()` gave roles access (their policies would need subqueries, which Citus refuses).
 */
export async function distribute(target: MigrationTarget, given: DistributeOptions = {}): Promise<DistributeResult> {
  const options = parseOptions(distributeOptionsSchema, given, 'distribute()');
  if (options.online) return mappingErrors(() => distributeOnline(target, options));
  return underMigrationLock(target, options, async (em, schema) => {
    await requireCoordinator(em);
    if (await isDistributedByUser(em, schema)) return { distributed: [] };
    await requireReady(em, schema);
    await enterSchema(em, schema);
    for (const statement of TO_DISTRIBUTED_LAYOUT) await em.execute(statement);
    return { distributed: [...DISTRIBUTED_TABLES] };
  });
}

const DISTRIBUTED_TABLES = ['users', 'projects', 'cams', 'user_emails'] as const;

async function requireCoordinator(em: EntityManager): Promise<void> {
  const [citus] = await em.execute<{ version: string | null }[]>(`select (select extversion from pg_catalog.pg_extension where extname = 'citus') as "version"`);
  if (!citus?.version) {
    throw new ConfigurationError(
      'distribute() needs Citus: the extension is not installed in this database. On plain PostgreSQL the tables stay on ' +
        'one server (grow it with read replicas); on Citus, run `create extension citus` on the coordinator first.',
    );
  }
  const [role] = await em.execute<{ coordinator: boolean }[]>('select citus_is_coordinator() as "coordinator"');
  if (!role?.coordinator) throw new ConfigurationError('distribute() must run on the Citus coordinator, which every call of the services goes through');
}

/** Every migration applied, the tables not in a distributed schema, and no access policies that Citus would refuse. */
async function requireReady(em: EntityManager, schema: string): Promise<void> {
  const applied = new Set((await readMigrationHistory(em, schema)).map((migration) => migration.name));
  const pending = bundledMigrations.filter((migration) => !applied.has(migration.name)).map((migration) => migration.name);
  if (pending.length > 0) {
    throw new ConfigurationError(`distribute() works on the tables as every migration leaves them: run migrate() first (pending: ${pending.join(', ')})`);
  }
  // A table of schema-based sharding has no distribution column (partmethod 'n'); one an online run moved is hash-distributed.
  const [found] = await em.execute<{ distributed: boolean; policies: string[] }[]>(
    `select exists (select from pg_catalog.pg_dist_partition d join pg_catalog.pg_class c on c.oid = d.logicalrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname in ('users', 'projects', 'cams') and d.partmethod <> 'h') as "distributed",
     array(select distinct policyname::text from pg_catalog.pg_policies where schemaname = ? and tablename in ('users', 'projects', 'cams')
       and policyname <> ? order by 1) as "policies"`,
    [schema, schema, ACTING_USER_POLICIES_ON_CITUS.users.name],
  );
  if (found?.distributed) {
    throw new ConfigurationError(
      `The package's tables in schema "${schema}" are already distributed tables of Citus (a schema of schema-based sharding, ` +
        'one node per schema): a schema per tenant is one layout, rows distributed by user the other.',
    );
  }
  if (found && found.policies.some((policy) => policy !== ACTING_USER_POLICIES_ON_CITUS.users.name)) {
    throw new ConfigurationError(
      `The tables carry access policies of migrate({ grantTo, endUsers }) (${found.policies.join(', ')}), which Citus cannot ` +
        'keep on distributed tables: revoke them first (migrate({ revokeFrom, endUsers: false })) and connect the services as the tables\' owner.',
    );
  }
}

/**
 * The online path, in steps that each hold their locks briefly and that a second run resumes where one failed:
 * 1. the keys that contain the owner, built without blocking writes (`create unique index concurrently`);
 * 2. one short transaction: the keys swapped to those indexes, the foreign keys dropped for the move, the policies in
 *    the form Citus allows;
 * 3. `projects` and `cams` distributed while they stay writable (`create_distributed_table_concurrently`);
 * 4. one transaction holding writes to `users` and `projects` (reads go on): the lookup filled, the address index
 *    dropped, `users` and the lookup distributed (their rows copied then), the rows a delete left without their owner
 *    during the move removed (as the cascade would have), and the foreign keys back, NOT VALID: checked for every new
 *    row, with no scan of the existing rows, which the deletes just made consistent.
 */
async function distributeOnline(target: MigrationTarget, options: z.output<typeof distributeOptionsSchema>): Promise<DistributeResult> {
  const root = ('em' in target ? target.em : target) as EntityManager;
  const schema = await underMigrationLock(target, options, async (em, schema) => {
    await requireCoordinator(em);
    if (await isDistributedByUser(em, schema)) return undefined;
    await requireReady(em, schema);
    await requireLogicalReplication(em);
    return schema;
  });
  if (schema === undefined) return { distributed: [] };
  const table = (name: string) => `"${schema}"."${name}"`;
  const em = root.fork();
  for (const name of ['projects', 'cams']) {
    const index = `${name}_user_id_id_key`;
    // A concurrent build that failed leaves an invalid index: built again.
    const [invalid] = await em.execute<{ invalid: boolean }[]>(`select exists (select from pg_catalog.pg_index where indexrelid = to_regclass(?) and not indisvalid) as "invalid"`, [table(index)]);
    if (invalid?.invalid) await em.execute(`drop index concurrently ${table(index)}`);
    if (!(await constraintIs(em, schema, `${name}_pkey`, 'PRIMARY KEY (user_id, id)'))) {
      await em.execute(`create unique index concurrently if not exists "${index}" on ${table(name)} (user_id, id)`);
    }
  }
  await underMigrationLock(target, options, async (tx) => {
    await enterSchema(tx, schema);
    for (const name of ['projects', 'cams']) {
      if (await constraintIs(tx, schema, `${name}_pkey`, 'PRIMARY KEY (user_id, id)')) continue;
      if (name === 'projects') await tx.execute('alter table cams drop constraint if exists cams_project_id_foreign');
      await tx.execute(`alter table ${name} drop constraint ${name}_pkey, add constraint ${name}_pkey primary key using index ${name}_user_id_id_key`);
    }
    await tx.execute('alter table cams drop constraint if exists cams_project_id_foreign');
    await tx.execute('alter table projects drop constraint if exists projects_user_id_foreign');
    for (const statement of POLICIES_ON_CITUS) await tx.execute(statement);
  });
  for (const [name, colocateWith] of [['projects', 'none'], ['cams', table('projects')]] as const) {
    if (await isHashDistributed(em, schema, name)) continue;
    await em.execute(`select create_distributed_table_concurrently(?, 'user_id', colocate_with => ?)`, [table(name), colocateWith === 'none' ? 'default' : colocateWith]);
  }
  await underMigrationLock(target, options, async (tx) => {
    await enterSchema(tx, schema);
    await tx.execute('lock table users, projects in share row exclusive mode');
    for (const statement of LOOKUP_FROM_USERS) await tx.execute(statement);
    await tx.execute(`select create_distributed_table('users', 'id', colocate_with => 'projects')`);
    await tx.execute(`select create_distributed_table('user_emails', 'email', colocate_with => 'none')`);
    await tx.execute('delete from projects p where not exists (select from users u where u.id = p.user_id)');
    await tx.execute('delete from cams c where not exists (select from projects p where p.user_id = c.user_id and p.id = c.project_id)');
    await tx.execute('alter table projects add constraint projects_user_id_foreign foreign key (user_id) references users (id) on delete cascade not valid');
    await tx.execute(
      'alter table cams add constraint cams_project_id_foreign foreign key (user_id, project_id) references projects (user_id, id) on delete cascade not valid',
    );
  });
  return { distributed: [...DISTRIBUTED_TABLES] };
}

/** Whether the constraint `name` of `schema` is `definition` (as `pg_get_constraintdef()` prints it). */
async function constraintIs(em: EntityManager, schema: string, name: string, definition: string): Promise<boolean> {
  const [row] = await em.execute<{ definition: string | null }[]>(
    `select (select pg_catalog.pg_get_constraintdef(con.oid) from pg_catalog.pg_constraint con join pg_catalog.pg_namespace n on n.oid = con.connamespace
       where n.nspname = ? and con.conname = ?) as "definition"`,
    [schema, name],
  );
  return row?.definition === definition;
}

async function isHashDistributed(em: EntityManager, schema: string, table: string): Promise<boolean> {
  const [row] = await em.execute<{ distributed: boolean }[]>(
    `select exists (select from pg_catalog.pg_dist_partition where logicalrelid = to_regclass(?) and partmethod = 'h') as "distributed"`,
    [`"${schema}"."${table}"`],
  );
  return row?.distributed === true;
}

/** `create_distributed_table_concurrently` streams the rows by logical replication from the coordinator. */
async function requireLogicalReplication(em: EntityManager): Promise<void> {
  const [settings] = await em.execute<{ wal_level: string; plugins: string | null }[]>(
    `select current_setting('wal_level') as "wal_level", current_setting('output_plugin_libraries', true) as "plugins"`,
  );
  if (settings?.wal_level !== 'logical') {
    throw new ConfigurationError(
      `distribute({ online: true }) moves the rows by logical replication, which needs wal_level = logical on the coordinator ` +
        `(it is ${settings?.wal_level}; changing it needs a restart). Without online, distribute() moves them in one transaction that blocks writes.`,
    );
  }
  // PostgreSQL releases that restrict logical decoding plugins (output_plugin_libraries) must allow Citus's.
  if (settings.plugins !== null && settings.plugins !== '*' && !settings.plugins.split(',').map((name) => name.trim()).includes('citus')) {
    throw new ConfigurationError(`distribute({ online: true }) needs Citus as a logical decoding plugin: add citus to output_plugin_libraries on every node (it is '${settings.plugins}')`);
  }
}
