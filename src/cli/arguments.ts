import { parseArgs } from 'node:util';
import type { Command } from './command.ts';
import { findCommand } from './commands/index.ts';
import { UsageError } from './usage-error.ts';

/** What the command line asks for, before any connection is made. */
export type Invocation =
  | { kind: 'help'; command: Command | undefined }
  | { kind: 'run'; command: Command; url: string | undefined; schema: string | undefined; json: boolean; to: string | undefined };

// One option set for every command, so global options may come before or after the command name; which command
// takes which of its own options is checked afterwards, with a message naming both.
const OPTIONS = {
  url: { type: 'string' },
  schema: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  to: { type: 'string' },
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

  if (values.to !== undefined && command.options.to === undefined) {
    throw new UsageError(`'${command.name}' does not take --to`, { command: command.name });
  }
  return { kind: 'run', command, url: values.url, schema: values.schema, json: values.json ?? false, to: values.to };
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
