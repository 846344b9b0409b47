/** What the command line's exit status means, so scripts and CI can branch on it. */
export const ExitCode = {
  /** The command did what was asked; `check` found nothing to fix. */
  success: 0,
  /** The operation failed, or `check` found pending migrations, missing tables or schema drift. */
  failure: 1,
  /** The command line or the configuration cannot work: nothing was attempted. */
  usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
