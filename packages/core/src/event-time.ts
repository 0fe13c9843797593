/** The millisecond `EventTime.now` last saw, when it started by the monotonic clock, and its last result. */
const clock = { ms: -1, mono: 0n, last: 0n };

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

  /**
   * The current wall-clock time with nanosecond resolution: the wall clock's millisecond, and
   * the monotonic clock for the nanoseconds within it, so times taken in the same millisecond
   * never go backwards. If the wall clock is set back, the times follow it, as Fluent Bit's do.
   */
  static now(): EventTime {
    const ms = Date.now();
    const mono = process.hrtime.bigint();
    if (ms !== clock.ms) {
      clock.ms = ms;
      clock.mono = mono;
      clock.last = 0n;
    }
    const within = mono - clock.mono;
    let ns = BigInt(ms) * 1_000_000n + (within < 999_999n ? within : 999_999n);
    if (ns < clock.last) ns = clock.last;
    clock.last = ns;
    return new EventTime(Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n));
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
