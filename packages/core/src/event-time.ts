/**
 * Fluent Bit's EventTime: whole seconds plus nanoseconds, encoded on the wire as
 * msgpack fixext8 of ext type 0 (big-endian uint32 seconds, uint32 nanoseconds).
 */
export class EventTime {
  constructor(
    /** Seconds since the Unix epoch, 0..2^32-1. */
    readonly sec: number,
    /** Nanoseconds, 0..999 999 999. */
    readonly nsec: number,
  ) {}

  /** The current wall-clock time with nanosecond resolution where the platform has it. */
  static now(): EventTime {
    const ms = Date.now();
    // hrtime gives the sub-millisecond part; wall-clock ms keeps it comparable to other hosts.
    const subMs = Number(process.hrtime.bigint() % 1_000_000n);
    return new EventTime(Math.floor(ms / 1000), (ms % 1000) * 1_000_000 + subMs);
  }

  /** Seconds as a double, e.g. for JSON output. */
  toNumber(): number {
    return this.sec + this.nsec / 1e9;
  }

  /** From a number of seconds (integer or fractional), as Fluent Bit accepts legacy timestamps. */
  static fromSeconds(seconds: number): EventTime {
    const sec = Math.floor(seconds);
    return new EventTime(sec, Math.round((seconds - sec) * 1e9));
  }
}
