import type { Command } from '../command.ts';
import { checkCommand } from './check.ts';
import { distributeCommand } from './distribute.ts';
import { migrateCommand } from './migrate.ts';
import { rollbackCommand } from './rollback.ts';
import { statusCommand } from './status.ts';

/** Every command, in the order the help lists them. */
export const commands: readonly Command[] = [migrateCommand, statusCommand, rollbackCommand, checkCommand, distributeCommand];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}
