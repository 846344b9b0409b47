/**
 * What the primary had written at given moments: each probe reads its WAL insert position, and notes when it sent
 * that query (on this process's monotonic clock). A server that has replayed up to position P then holds every
 * transaction the primary had committed before each moment whose position is at most P. No clock of any server is
 * compared with ours: only WAL positions are.
 */
export class PrimaryProgress {
  readonly #marks: { sentAt: number; lsn: bigint }[] = [];
  readonly #keepMillis: number;

  /** `keepMillis`: how far back a moment can still matter (the lag bound); older marks are dropped. */
  constructor(keepMillis: number) {
    this.#keepMillis = keepMillis;
  }

  /** The primary was at `lsn` when a query sent at `sentAt` read it. */
  record(sentAt: number, lsn: bigint): void {
    this.#marks.push({ sentAt, lsn });
    // The newest mark always stays: a replica that replayed it is as fresh as anything can be shown to be.
    while (this.#marks.length > 1 && this.#marks[0]!.sentAt < sentAt - this.#keepMillis) this.#marks.shift();
  }

  /** The position read by the latest probe, if any probe has reached the primary. */
  latest(): bigint | undefined {
    return this.#marks.at(-1)?.lsn;
  }

  /**
   * The latest moment before which a server that replayed up to `replayed` has every commit of the primary;
   * `-Infinity` when no recorded moment can be shown.
   */
  freshAsOf(replayed: bigint): number {
    for (let index = this.#marks.length - 1; index >= 0; index--) {
      const mark = this.#marks[index]!;
      if (mark.lsn <= replayed) return mark.sentAt;
    }
    return -Infinity;
  }
}

/** A `pg_lsn` as PostgreSQL prints it (`16/B374D848`): two hexadecimal halves of a 64-bit position. */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}
