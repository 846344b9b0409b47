import type { SqlEntityManager as EntityManager } from '@mikro-orm/postgresql';
import { ACTING_EMAIL_SETTING, ACTING_USER_SETTING } from '../common/acting-user.ts';
import { TransactionSettings } from '../connection/transaction-settings.ts';
import type { StatementTable } from './statement.ts';

/**
 * Whether the acting user's setting must travel with a statement. The acting-user policies restrict a role that
 * neither owns the tables nor has BYPASSRLS (nor is a superuser), unless it was granted the tables without
 * `enforceOwnership` (the all-rows policy); for any other role the setting would only cost the server a statement
 * per call. So the first statements of a pool, per schema, ask the server in the same round trip
 * (`actingUserRestricts()` on the statement's table), and once it has said no, the pool's statements on that table go
 * without the setting. Every connection of a pool logs in as the same role, so one answer holds for all of them.
 *
 * Should the role later become restricted (ownership moved, BYPASSRLS revoked, `enforceOwnership` turned on) while
 * the pool is open, its statements find no rows until the handle is opened again: the policies admit nothing without
 * a setting, so the mistake fails closed.
 */
const rowSecurityByPool = new WeakMap<object, Map<string, boolean>>(); // pool (its driver options) -> table -> answer

/** The transaction settings for a statement acting for this user (or address), or none where no policy applies. */
export function actingUserSettings(em: EntityManager, table: StatementTable, setting: ActingSetting, value: string): TransactionSettings | undefined {
  const pool = em.config.get('driverOptions') as object;
  let byTable = rowSecurityByPool.get(pool);
  if (!byTable) rowSecurityByPool.set(pool, (byTable = new Map()));
  const active = byTable.get(table.qualified);
  if (active === false) return undefined;
  const entries = [[setting, setting === ACTING_EMAIL_SETTING ? value.toLowerCase() : value] as const];
  if (active) return new TransactionSettings(entries);
  const answers = byTable;
  const probe = {
    table: table.qualified,
    // A missing table (not migrated yet) answers null: asked again by the next statement.
    report: (answer: boolean | null) => (answer === null ? answers.delete(table.qualified) : answers.set(table.qualified, answer)),
  };
  return new TransactionSettings(entries, probe);
}

export type ActingSetting = typeof ACTING_USER_SETTING | typeof ACTING_EMAIL_SETTING;
