/** A command line that cannot work: an unknown command or option, a missing URL. Exits with status 2. */
export class UsageError extends Error {
  /** The command whose help would have prevented the mistake, when there is one. */
  readonly command: string | undefined;

  constructor(message: string, options: { command?: string } = {}) {
    super(message);
    this.name = 'UsageError';
    this.command = options.command;
  }
}
