import type { Command } from '../command.ts';
import { ExitCode } from '../exit-codes.ts';
import { plural } from '../output.ts';

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Revert the last migration, or down to a named one',
  usage: 'rollback [--to <name>|0]',
  details: [
    'Reverts the last applied migration. With --to <name>, reverts every migration applied after <name>, which',
    'stays applied; --to 0 reverts them all. Reverting nothing is a success.',
  ],
  options: { to: 'revert the migrations applied after <name>; 0 reverts them all' },
  async run({ db, to, out }) {
    const reverted = await db.rollback(to === undefined ? {} : { to: to === '0' ? 0 : to });
    if (out.json) {
      out.document({ reverted });
    } else if (reverted.length === 0) {
      out.line('Nothing to revert.');
    } else {
      out.line(`Reverted ${plural(reverted.length, 'migration')}:`);
      for (const name of reverted) out.line(`  ${name}`);
    }
    return ExitCode.success;
  },
};
