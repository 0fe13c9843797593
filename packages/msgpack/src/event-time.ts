/**
 * The Forward protocol's EventTime, which Fluent Bit uses for every record: whole seconds plus
 * nanoseconds, on the wire msgpack fixext8 of ext type 0 (big-endian uint32 seconds, uint32
 * nanoseconds).
 */
export class EventTime {
  constructor(
    /** Seconds since the Unix epoch, 0..2^32-1. */
    readonly sec: number,
    /** Nanoseconds, 0..999 999 999. */
    readonly nsec: number,
  ) {}

  /** The current time; see `readClock` for how it never goes backwards within a millisecond. */
  static now(): EventTime {
    readClock(scratch);
    return new EventTime(scratch.sec, scratch.nsec);
  }

  /** Seconds as a double, e.g. for JSON output. */
  toNumber(): number {
    return this.sec + this.nsec / 1e9;
  }

  /** From a number of seconds (integer or fractional), as Fluent Bit accepts legacy timestamps. */
  static fromSeconds(seconds: number): EventTime {
    const sec = Math.floor(seconds);
    return new EventTime(sec, Math.min(999_999_999, Math.round((seconds - sec) * 1e9)));
  }
}

/** A time being filled in; hot paths reuse one instead of allocating an EventTime per record. */
export interface MutableTime {
  sec: number;
  nsec: number;
}

const scratch: MutableTime = { sec: 0, nsec: 0 };

/** The millisecond the clock last saw, when it began on the monotonic clock (ms), and the nanoseconds last returned within it. */
const clock = { ms: -1, mono: 0, last: 0 };

/**
 * Writes the current wall-clock time with nanosecond resolution into `into`: the wall clock's
 * millisecond, and the monotonic clock for the nanoseconds within it, so times taken in the same
 * millisecond never go backwards. If the wall clock is set back, the times follow it, as Fluent
 * Bit's do. Plain numbers throughout: inputs stamp every record with it.
 */
export function readClock(into: MutableTime): void {
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
  into.sec = Math.floor(ms / 1000);
  into.nsec = nsec;
}
