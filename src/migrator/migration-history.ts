import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Our own history table, apart from the host application's `mikro_orm_migrations`, so both migrate the same
 * database without seeing each other's migrations. Same shape as MikroORM's table. It lives in the schema of the
 * package's tables: two schemas are two installations, each with its own history.
 */
export const MIGRATIONS_TABLE = 'enginecampro_db_migrations';

export interface ExecutedMigration {
  name: string;
  executedAt: Date;
}

/** `"schema"."enginecampro_db_migrations"`; schema names are checked identifiers, so quoting them is enough. */
function historyTable(schema: string): string {
  return `"${schema}"."${MIGRATIONS_TABLE}"`;
}

/** Reads the history without creating the table: a status check must not write. */
export async function readMigrationHistory(em: EntityManager, schema: string): Promise<ExecutedMigration[]> {
  const [table] = await em.execute<{ exists: boolean }[]>(`select to_regclass(?) is not null as "exists"`, [historyTable(schema)]);
  if (!table?.exists) {
    return [];
  }
  const rows = await em.execute<{ name: string; executed_at: string }[]>(
    `select name, executed_at from ${historyTable(schema)} order by id`,
  );
  // MikroORM's connection hands raw timestamps back as text.
  return rows.map((row) => ({ name: row.name, executedAt: new Date(row.executed_at) }));
}

export async function ensureMigrationHistory(em: EntityManager, schema: string): Promise<void> {
  await em.execute(
    `create table if not exists ${historyTable(schema)} (
      id serial primary key,
      name varchar(255) not null unique,
      executed_at timestamptz not null default now()
    )`,
  );
}

export async function recordMigration(em: EntityManager, schema: string, name: string): Promise<void> {
  await em.execute(`insert into ${historyTable(schema)} (name) values (?)`, [name]);
}

export async function forgetMigration(em: EntityManager, schema: string, name: string): Promise<void> {
  await em.execute(`delete from ${historyTable(schema)} where name = ?`, [name]);
}
