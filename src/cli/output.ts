/** Where a command writes its result: plain lines for people, or one JSON document with `--json`. */
export interface Output {
  readonly json: boolean;
  /** One line of the human-readable result, on stdout. */
  line(text?: string): void;
  /** The machine-readable result, on stdout. */
  document(value: unknown): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    line: (text = '') => void process.stdout.write(`${text}\n`),
    document: (value) => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

/** `1 migration`, `2 migrations`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
