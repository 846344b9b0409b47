import type { Command } from '../command.ts';
import { ExitCode } from '../exit-codes.ts';
import { plural } from '../output.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply the pending bundled migrations',
  usage: 'migrate [--to <name>]',
  details: [
    'Applies every pending migration in one transaction, under a lock, so several processes can run it at once.',
    'With --to, stops after that migration. Applying nothing is a success.',
  ],
  options: { to: 'stop after the migration <name>' },
  async run({ db, to, out }) {
    const applied = await db.migrate(to === undefined ? {} : { to });
    if (out.json) {
      out.document({ applied });
    } else if (applied.length === 0) {
      out.line('Nothing to apply: the database is up to date.');
    } else {
      out.line(`Applied ${plural(applied.length, 'migration')}:`);
      for (const name of applied) out.line(`  ${name}`);
    }
    return ExitCode.success;
  },
};
