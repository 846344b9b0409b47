import type { Command } from '../command.ts';
import { ExitCode } from '../exit-codes.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'List the applied and the pending migrations',
  usage: 'status',
  details: ['Lists the applied migrations with when each was applied, then the pending ones. Writes nothing.'],
  options: {},
  async run({ db, out }) {
    const { executed, pending } = await db.migrationStatus();
    if (out.json) {
      out.document({ executed, pending });
      return ExitCode.success;
    }
    out.line(executed.length ? 'Applied migrations:' : 'Applied migrations: none');
    for (const { name, executedAt } of executed) out.line(`  ${name}  ${executedAt.toISOString()}`);
    out.line(pending.length ? 'Pending migrations:' : 'Pending migrations: none');
    for (const name of pending) out.line(`  ${name}`);
    return ExitCode.success;
  },
};
