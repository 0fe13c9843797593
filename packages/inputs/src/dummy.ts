import { defineInput, EventTime, packJson, TributaryError } from '@tributary/core';

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
    if (config.copies < 1) throw new TributaryError('INVALID_PROPERTY', `${ctx.name}: 'copies' must be at least 1, got ${config.copies}.`);

    const periodNs = tickPeriodNs(config.rate, config.interval_sec, config.interval_nsec);
    const startedAt = process.hrtime.bigint();
    const base = config.start_time_sec >= 0 ? { sec: config.start_time_sec, nsec: Math.max(0, config.start_time_nsec) } : undefined;
    let fixed: EventTime | undefined;
    let ticks = 0;

    const timeOfTick = (): EventTime => {
      if (fixed) return fixed;
      let time = EventTime.now();
      if (base) {
        const elapsed = process.hrtime.bigint() - startedAt;
        const total = BigInt(base.sec) * 1_000_000_000n + BigInt(base.nsec) + elapsed;
        time = new EventTime(Number(total / 1_000_000_000n), Number(total % 1_000_000_000n));
      }
      if (config.fixed_timestamp) fixed = time;
      return time;
    };

    const tick = () => {
      if (config.samples > 0 && ticks >= config.samples) return;
      ticks++;
      const options = { time: timeOfTick(), metadata };
      for (let i = 0; i < config.copies; i++) ctx.append(body, options);
    };

    // A JS timer cannot fire every few microseconds, so each wake-up runs every tick that has
    // come due since the last one: the configured rate holds at any speed. Like Fluent Bit's
    // timer, ticks missed while the process was busy or the input paused are skipped, and one
    // wake-up writes at most about 10,000 records so the event loop stays responsive.
    const timerMs = Math.max(1, Number(periodNs / 1_000_000n));
    const maxBurst = BigInt(Math.max(1, Math.floor(10_000 / config.copies)));
    let due = 0n;
    ctx.collectEvery(timerMs, () => {
      const target = (process.hrtime.bigint() - startedAt) / periodNs;
      if (target - due > maxBurst) due = target - maxBurst;
      while (due < target && !ctx.paused) {
        due++;
        tick();
      }
    });
    if (config.flush_on_startup) tick();
    return {};
  },
});

function tickPeriodNs(rate: number, intervalSec: number, intervalNsec: number): bigint {
  if (intervalSec > 0 || intervalNsec > 0) return BigInt(Math.max(0, intervalSec)) * 1_000_000_000n + BigInt(Math.max(0, intervalNsec));
  if (rate > 1) return BigInt(Math.floor(1e9 / rate));
  return 1_000_000_000n;
}

function packOrDefault(json: string, fallback: string, key: string, warn: (message: string) => void): Uint8Array {
  try {
    return packJson(json).slice();
  } catch (error) {
    warn(`'${key}' is not valid JSON (${(error as Error).message}); using ${fallback}`);
    return packJson(fallback).slice();
  }
}
