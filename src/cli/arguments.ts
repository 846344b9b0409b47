import { parseArgs } from 'node:util';
import type { AccessOptions, Command, CommandOption } from './command.ts';
import { findCommand } from './commands/index.ts';
import { UsageError } from './usage-error.ts';

/** What the command line asks for, before any connection is made. */
export type Invocation =
  | { kind: 'help'; command: Command | undefined }
  | { kind: 'run'; command: Command; url: string | undefined; schema: string | undefined; json: boolean; to: string | undefined; access: AccessOptions };

// One option set for every command, so global options may come before or after the command name; which command
// takes which of its own options is checked afterwards, with a message naming both.
const OPTIONS = {
  url: { type: 'string' },
  schema: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  to: { type: 'string' },
  'grant-to': { type: 'string', multiple: true },
  'enforce-ownership': { type: 'boolean' },
  'no-enforce-ownership': { type: 'boolean' },
  'revoke-from': { type: 'string', multiple: true },
  'end-users': { type: 'string' },
  'no-end-users': { type: 'boolean' },
} as const;

/** Reads `argv` (without the node and script paths). Throws `UsageError` for anything that cannot work. */
export function parseInvocation(argv: string[]): Invocation {
  const { values, positionals } = parseStrictly(argv);
  const [name, ...rest] = positionals;

  if (name === undefined) {
    if (values.help) return { kind: 'help', command: undefined };
    throw new UsageError('no command given');
  }
  if (name === 'help') {
    const [topic, ...extra] = rest;
    rejectExtra(extra);
    return { kind: 'help', command: topic === undefined ? undefined : commandNamed(topic) };
  }
  const command = commandNamed(name);
  rejectExtra(rest, command);
  if (values.help) return { kind: 'help', command };

  const given: CommandOption[] = (['to', 'grant-to', 'enforce-ownership', 'no-enforce-ownership', 'revoke-from', 'end-users', 'no-end-users'] as const).filter(
    (option) => values[option] !== undefined,
  );
  const refused = given.find((option) => command.options[option] === undefined);
  if (refused) throw new UsageError(`'${command.name}' does not take --${refused}`, { command: command.name });
  if (values['end-users'] !== undefined && values['no-end-users']) {
    throw new UsageError('--end-users and --no-end-users contradict each other', { command: command.name });
  }
  if (values['enforce-ownership'] && values['no-enforce-ownership']) {
    throw new UsageError('--enforce-ownership and --no-enforce-ownership contradict each other', { command: command.name });
  }
  const access: AccessOptions = {
    grantTo: values['grant-to'] ?? [],
    enforceOwnership: values['enforce-ownership'] ? true : values['no-enforce-ownership'] ? false : undefined,
    revokeFrom: values['revoke-from'] ?? [],
    endUsers: values['no-end-users'] ? false : values['end-users'] === undefined ? undefined : { claim: values['end-users'] },
  };
  return { kind: 'run', command, url: values.url, schema: values.schema, json: values.json ?? false, to: values.to, access };
}

function parseStrictly(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's message explains how to pass a positional that starts with '-': keep its first sentence only.
    const message = error instanceof Error ? error.message.split(/\.\s/)[0]! : String(error);
    throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1));
  }
}

function commandNamed(name: string): Command {
  const command = findCommand(name);
  if (!command) throw new UsageError(`unknown command '${name}'`);
  return command;
}

function rejectExtra(extra: string[], command?: Command): void {
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`, { command: command?.name });
}
