import type { Command } from '../command.ts';
import { ExitCode } from '../exit-codes.ts';

export const distributeCommand: Command = {
  name: 'distribute',
  summary: 'Distribute the tables by user on a Citus coordinator',
  usage: 'distribute',
  details: [
    'On a Citus coordinator, after migrate: distributes users by id, projects and cams by their owner (co-located),',
    'with the e-mail lookup user_emails, in one transaction; a user\'s calls then run on the user\'s worker.',
    'Does nothing where the tables already are distributed so. Without Citus it changes nothing and exits 2.',
    'Restart the services afterwards: a process connected before keeps writing as on one server.',
  ],
  options: {},
  async run({ db, out }) {
    const { distributed } = await db.distribute();
    if (out.json) {
      out.document({ distributed });
    } else if (distributed.length === 0) {
      out.line('Nothing to do: the tables are already distributed by user.');
    } else {
      out.line(`Distributed by user: ${distributed.join(', ')}`);
    }
    return ExitCode.success;
  },
};
