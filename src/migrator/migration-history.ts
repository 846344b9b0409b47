import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Our own history table, apart from the host application's `mikro_orm_migrations`, so both migrate the same
 * database without seeing each other's migrations. Same shape as MikroORM's table.
 */
export const MIGRATIONS_TABLE = 'enginecampro_db_migrations';

export interface ExecutedMigration {
  name: string;
  executedAt: Date;
}

/** Reads the history without creating the table: a status check must not write. */
export async function readMigrationHistory(em: EntityManager): Promise<ExecutedMigration[]> {
  const [table] = await em.execute<{ exists: boolean }[]>(`select to_regclass(?) is not null as "exists"`, [MIGRATIONS_TABLE]);
  if (!table?.exists) {
    return [];
  }
  const rows = await em.execute<{ name: string; executed_at: string }[]>(
    `select name, executed_at from ${MIGRATIONS_TABLE} order by id`,
  );
  // MikroORM's connection hands raw timestamps back as text.
  return rows.map((row) => ({ name: row.name, executedAt: new Date(row.executed_at) }));
}

export async function ensureMigrationHistory(em: EntityManager): Promise<void> {
  await em.execute(
    `create table if not exists ${MIGRATIONS_TABLE} (
      id serial primary key,
      name varchar(255) not null unique,
      executed_at timestamptz not null default now()
    )`,
  );
}
