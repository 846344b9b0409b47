import type { Command, CommandOption } from './command.ts';
import { commands } from './commands/index.ts';

export const PROGRAM = 'enginecampro-db';

const OPTION_SYNOPSIS: Record<CommandOption, string> = {
  to: '--to <name>',
  'grant-to': '--grant-to <role>',
  'enforce-ownership': '--enforce-ownership',
  'no-enforce-ownership': '--no-enforce-ownership',
  'revoke-from': '--revoke-from <role>',
  'end-users': '--end-users <claim>',
  'no-end-users': '--no-end-users',
};

const GLOBAL_OPTIONS: [string, string][] = [
  ['--url <url>', 'postgres://user:password@host:5432/database (default: the DATABASE_URL variable)'],
  ['--schema <name>', 'PostgreSQL schema of the package\'s tables (default: ENGINECAMPRO_DB_SCHEMA, else public)'],
  ['--json', 'print the result as JSON'],
  ['-h, --help', 'show help'],
];

const EXIT_STATUS = 'Exit status: 0 success, 1 failed operation or check, 2 bad command line or configuration.';

export function globalHelp(): string {
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Applies and inspects the bundled migrations of @enginecampro/db.',
    '',
    'Commands:',
    ...table(commands.map((command) => [command.name, command.summary])),
    '',
    'Options:',
    ...table(GLOBAL_OPTIONS),
    '',
    EXIT_STATUS,
    `Run '${PROGRAM} <command> --help' for the options of one command.`,
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const own = Object.entries(command.options).map(([name, description]): [string, string] => [
    OPTION_SYNOPSIS[name as CommandOption],
    description,
  ]);
  return [
    `Usage: ${PROGRAM} ${command.usage} [--url <url>] [--schema <name>] [--json]`,
    '',
    `${command.summary}.`,
    ...command.details,
    '',
    'Options:',
    ...table([...own, ...GLOBAL_OPTIONS]),
    '',
    EXIT_STATUS,
    '',
  ].join('\n');
}

function table(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}
