/**
 * The millisecond `EventTime.now` last saw, when it began on the monotonic clock (ms), and the
 * nanoseconds it last returned within that second.
 */
const clock = { ms: -1, mono: 0, last: 0 };

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
   * Plain numbers throughout: inputs call this for every record they stamp.
   */
  static now(): EventTime {
    const ms = Date.now();
    const mono = performance.now();
    if (ms !== clock.ms) {
      clock.ms = ms;
      clock.mono = mono;
      clock.last = 0;
    }
    const within = Math.min(999_999, Math.floor((mono - clock.mono) * 1e6));
    const nsec = Math.max(clock.last, (ms % 1000) * 1_000_000 + within);
    clock.last = nsec;
    return new EventTime(Math.floor(ms / 1000), nsec);
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
