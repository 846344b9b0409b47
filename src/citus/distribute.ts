import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { bundledMigrations } from '../../migrations/index.ts';
import { ACTING_USER_POLICIES_ON_CITUS } from '../common/acting-user.ts';
import { ConfigurationError } from '../common/errors.ts';
import { parseOptions } from '../common/options.ts';
import { readMigrationHistory } from '../migrator/migration-history.ts';
import { enterSchema } from '../migrator/migration-schema.ts';
import { underMigrationLock, type MigrationTarget } from '../migrator/migrator.ts';
import { isDistributedByUser } from './layout.ts';

const distributeOptionsSchema = z.strictObject({
  /** The schema of the package's tables; default as for `migrate()`. */
  schema: z.string().optional(),
});

export type DistributeOptions = z.input<typeof distributeOptionsSchema>;

/**
 * The layout of an installation distributed by user, made from the one the migrations build, in one transaction on
 * the coordinator. Keys and foreign keys gain the owner (Citus requires the distribution column in each), the unique
 * address index becomes the lookup `user_emails` (filled from `users`), the policies take the form Citus allows, and
 * then the tables are distributed and co-located: a user's row, projects and cams share one worker.
 */
const TO_DISTRIBUTED_LAYOUT = [
  'create table user_emails (email varchar(255) not null, user_id varchar(255) not null, constraint user_emails_pkey primary key (email))',
  'insert into user_emails (email, user_id) select lower(email), id from users',
  'alter table user_emails enable row level security',
  'drop index users_email_lower_unique',
  'alter table cams drop constraint cams_project_id_foreign',
  'alter table projects drop constraint projects_pkey',
  'alter table projects add constraint projects_pkey primary key (user_id, id)',
  'alter table cams drop constraint cams_pkey',
  'alter table cams add constraint cams_pkey primary key (user_id, id)',
  'alter table cams add constraint cams_project_id_foreign foreign key (user_id, project_id) references projects (user_id, id) on delete cascade',
  ...Object.entries(ACTING_USER_POLICIES_ON_CITUS).flatMap(([table, policy]) => [
    `drop policy ${policy.name} on ${table}`,
    `create policy ${policy.name} on ${table} as permissive for all to public using (${policy.using}) with check (${policy.check})`,
  ]),
  `select create_distributed_table('users', 'id')`,
  `select create_distributed_table('projects', 'user_id', colocate_with => 'users')`,
  `select create_distributed_table('cams', 'user_id', colocate_with => 'users')`,
  `select create_distributed_table('user_emails', 'email', colocate_with => 'none')`,
] as const;

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
  return underMigrationLock(target, options, async (em, schema) => {
    await requireCoordinator(em);
    if (await isDistributedByUser(em, schema)) return { distributed: [] };
    await requireReady(em, schema);
    await enterSchema(em, schema);
    for (const statement of TO_DISTRIBUTED_LAYOUT) await em.execute(statement);
    return { distributed: ['users', 'projects', 'cams', 'user_emails'] };
  });
}

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
  const [found] = await em.execute<{ distributed: boolean; policies: string[] }[]>(
    `select exists (select from pg_catalog.pg_dist_partition d join pg_catalog.pg_class c on c.oid = d.logicalrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname in ('users', 'projects', 'cams')) as "distributed",
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
  if (found && found.policies.length > 0) {
    throw new ConfigurationError(
      `The tables carry access policies of migrate({ grantTo, endUsers }) (${found.policies.join(', ')}), which Citus cannot ` +
        'keep on distributed tables: revoke them first (migrate({ revokeFrom, endUsers: false })) and connect the services as the tables\' owner.',
    );
  }
}
