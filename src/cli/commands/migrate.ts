import type { Command } from '../command.ts';
import { ExitCode } from '../exit-codes.ts';
import { plural } from '../output.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply the pending bundled migrations',
  usage:
    'migrate [--to <name>] [--grant-to <role>]... [--enforce-ownership | --no-enforce-ownership] [--revoke-from <role>]... ' +
    '[--end-users <claim> | --no-end-users]',
  details: [
    'Applies every pending migration in one transaction, under a lock, so several processes can run it at once.',
    'With --to, stops after that migration. Applying nothing is a success. Then sets who may use the tables:',
    'roles granted before keep their grants, and Supabase\'s API roles (anon, authenticated, service_role) keep none.',
  ],
  options: {
    to: 'stop after the migration <name>',
    'grant-to': 'let role <role> make the service calls (repeatable): rows, sequences, the schema; never the schema itself',
    'enforce-ownership': 'hold the roles of --grant-to to the acting user of each call by row-level security, SQL of their own too',
    'no-enforce-ownership': 'let the roles of --grant-to see every row, as the owner does: the package\'s statements alone enforce ownership',
    'revoke-from': 'take every privilege on the package\'s objects from role <role> (repeatable)',
    'end-users': 'let signed-in end users of a Supabase app read their own rows; their id is the JWT claim <claim> (e.g. sub)',
    'no-end-users': 'turn end-user reads off',
  },
  async run({ db, to, access, out }) {
    const { grantTo, enforceOwnership, revokeFrom, endUsers } = access;
    const applied = await db.migrate({
      ...(to !== undefined && { to }),
      grantTo,
      ...(enforceOwnership !== undefined && { enforceOwnership }),
      revokeFrom,
      ...(endUsers !== undefined && { endUsers }),
    });
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
