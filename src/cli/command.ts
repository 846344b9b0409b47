import type { Database } from '../index.ts';
import type { ExitCode } from './exit-codes.ts';
import type { Output } from './output.ts';

/** The options a command may take besides the global `--url`, `--schema`, `--json` and `--help`. */
export type CommandOption = 'to' | 'grant-to' | 'enforce-ownership' | 'no-enforce-ownership' | 'revoke-from' | 'end-users' | 'no-end-users';

/** Who may use the tables, as `migrate` is told: `migrate()`'s `grantTo`, `enforceOwnership`, `revokeFrom` and `endUsers`. */
export interface AccessOptions {
  grantTo: string[];
  /** `--enforce-ownership`: true; `--no-enforce-ownership`: false; neither: `undefined`. */
  enforceOwnership: boolean | undefined;
  revokeFrom: string[];
  /** A claim: end-user reads on, the user's id in that claim; `false`: off; `undefined`: as they are. */
  endUsers: { claim: string } | false | undefined;
}

export interface CommandContext {
  db: Database;
  /** The database URL with its password masked, safe to print. */
  displayUrl: string;
  /** `--to`, when the command takes it and it was given. */
  to: string | undefined;
  /** `--grant-to`, `--[no-]enforce-ownership`, `--revoke-from` and `--[no-]end-users`, for a command that takes them. */
  access: AccessOptions;
  out: Output;
}

export interface Command {
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** What follows `enginecampro-db` in the usage line, e.g. `rollback [--to <name>|0]`. */
  usage: string;
  /** The rest of the command's help: what it does and what its exit status means. */
  details: readonly string[];
  /** The command's own options, each with the description its help shows. */
  options: Partial<Record<CommandOption, string>>;
  run(context: CommandContext): Promise<ExitCode>;
}
