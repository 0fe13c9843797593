import { CoreError, defineInput } from '@tributary/core';
import { EventTime, packJson } from '@tributary/msgpack';

const DEFAULT_BODY = '{"message":"dummy"}';

/**
 * Fluent Bit's `dummy` input: `copies` records of a fixed JSON body every tick, `rate` ticks
 * a second (or every `interval_sec`/`interval_nsec`), for `samples` ticks or forever.
 * The body is packed once, so each record costs its envelope and a copy.
 */
export const dummyInput = defineInput({
  name: 'dummy',
  description: 'Generate dummy data',
  configMap: {
    dummy: { type: 'string', default: DEFAULT_BODY, description: 'JSON body of each record' },
    metadata: { type: 'string', default: '{}', description: 'JSON metadata of each record' },
    rate: { type: 'int', default: '1', description: 'Ticks per second' },
    interval_sec: { type: 'int', default: '0', description: 'Seconds between ticks; overrides rate when set' },
    interval_nsec: { type: 'int', default: '0', description: 'Nanoseconds between ticks; overrides rate when set' },
    copies: { type: 'int', default: '1', description: 'Records per tick' },
    samples: { type: 'int', default: '0', description: 'Ticks to run before stopping; 0 runs forever' },
    start_time_sec: { type: 'int', default: '-1', description: 'Base seconds of the timestamps; -1 uses the current time' },
    start_time_nsec: { type: 'int', default: '-1', description: 'Base nanoseconds of the timestamps' },
    fixed_timestamp: { type: 'bool', default: 'off', description: 'Give every record the same timestamp' },
    flush_on_startup: { type: 'bool', default: 'false', description: 'Generate the first tick at start' },
  },
  init(ctx) {
    const { config, log } = ctx;
    const body = packOrDefault(config.dummy, DEFAULT_BODY, 'dummy', log.warn);
    const metadata = packOrDefault(config.metadata, '{}', 'metadata', log.warn);
    if (config.copies < 1) throw new CoreError('INVALID_PROPERTY', `${ctx.name}: 'copies' must be at least 1, got ${config.copies}.`);

    const periodNs = tickPeriodNs(config.rate, config.interval_sec, config.interval_nsec);
    // Elapsed time in ns as a plain number (exact to well under a microsecond for months):
    // the catch-up loop below runs once per record and must not allocate.
    const startedAt = performance.now();
    const elapsedNs = () => (performance.now() - startedAt) * 1e6;
    const base = config.start_time_sec >= 0 ? { sec: config.start_time_sec, nsec: Math.max(0, config.start_time_nsec) } : undefined;
    let fixed: EventTime | undefined;
    let ticks = 0;

    const timeOfTick = (): EventTime => {
      if (fixed) return fixed;
      let time = EventTime.now();
      if (base) {
        const elapsed = Math.floor(elapsedNs());
        const nsec = base.nsec + (elapsed % 1e9);
        time = new EventTime(base.sec + Math.floor(elapsed / 1e9) + Math.floor(nsec / 1e9), nsec % 1e9);
      }
      if (config.fixed_timestamp) fixed = time;
      return time;
    };

    const tick = () => {
      if (config.samples > 0 && ticks >= config.samples) return;
      ticks++;
      const time = timeOfTick();
      for (let i = 0; i < config.copies; i++) ctx.appendAt(time.sec, time.nsec, body, metadata);
    };

    // A JS timer cannot fire every few microseconds, so each wake-up runs every tick that has
    // come due since the last one: the configured rate holds at any speed. The work is cut in
    // slices of about 5,000 records, continued on the next turn of the event loop, so that no
    // slice holds the loop for long. Like Fluent Bit's timer, ticks missed for more than 100 ms
    // (the process was busy, the input paused) are skipped rather than made up.
    const timerMs = Math.max(1, Math.floor(periodNs / 1e6));
    const slice = Math.max(1, Math.floor(5_000 / config.copies));
    const maxBacklog = slice + Math.floor(1e8 / periodNs);
    let due = 0;
    let catchingUp = false;
    const catchUp = () => {
      const target = Math.floor(elapsedNs() / periodNs);
      if (target - due > maxBacklog) due = target - maxBacklog;
      let done = 0;
      while (due < target && done < slice && !ctx.paused) {
        due++;
        done++;
        tick();
      }
      catchingUp = due < target && !ctx.paused;
      if (catchingUp) setImmediate(catchUp);
    };
    ctx.collectEvery(timerMs, () => {
      if (!catchingUp) catchUp();
    });
    if (config.flush_on_startup) tick();
    return {};
  },
});

/** Nanoseconds between ticks: the interval when set, else 1e9 / rate (rate ≤ 1 means one second). */
function tickPeriodNs(rate: number, intervalSec: number, intervalNsec: number): number {
  if (intervalSec > 0 || intervalNsec > 0) return Math.max(0, intervalSec) * 1e9 + Math.max(0, intervalNsec);
  if (rate > 1) return Math.max(1, Math.floor(1e9 / rate));
  return 1e9;
}

function packOrDefault(json: string, fallback: string, key: string, warn: (message: string) => void): Uint8Array {
  try {
    return packJson(json);
  } catch (error) {
    warn(`'${key}' is not valid JSON (${(error as Error).message}); using ${fallback}`);
    return packJson(fallback);
  }
}
