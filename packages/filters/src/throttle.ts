import { CoreError, defineFilter } from '@tributary/core';

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Throttle's Interval: a number with an optional s/m/h/d suffix (`1.5m`), taken as whole seconds as Fluent Bit's `sleep()` does. */
function intervalSeconds(text: string, instance: string): number {
  const match = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([smhd]?)\s*$/i.exec(text);
  const seconds = match ? Math.trunc(Number(match[1]) * UNIT_SECONDS[match[2]!.toLowerCase()]!) : NaN;
  if (!(seconds >= 1)) throw new CoreError('INVALID_PROPERTY', `${instance}: Interval '${text}' must be at least one second, e.g. '1s', '1.5m' or '1h'.`);
  return seconds;
}

/**
 * Fluent Bit's `throttle` (`plugins/filter_throttle/throttle.c`, `window.c`): a ring of `Window`
 * panes, a new one every `Interval`; a record is dropped while the panes' total divided by
 * `Window` is at least `Rate`, otherwise counted in the current pane and kept. One limit for
 * every record the instance sees. Rates up to 1 and windows up to 1 fall back to the defaults, as there.
 */
export const throttleFilter = defineFilter({
  name: 'throttle',
  description: 'Throttle messages using sliding window algorithm',
  configMap: {
    rate: { type: 'double', default: '1', description: 'the average records per interval let through' },
    window: { type: 'int', default: '5', description: 'the number of intervals the average is taken over' },
    interval: { type: 'string', default: '1', description: 'the length of an interval: a number with an optional s, m, h or d' },
    print_status: { type: 'bool', default: 'false', description: 'log the limit and the current rate every interval' },
  },
  init(ctx) {
    const rate = ctx.config.rate <= 1 ? 1 : ctx.config.rate;
    const size = ctx.config.window <= 1 ? 5 : ctx.config.window;
    const seconds = intervalSeconds(ctx.config.interval, ctx.name);
    const panes = new Float64Array(size);
    let current = 0;
    let total = 0;
    ctx.every(seconds * 1000, () => {
      current = (current + 1) % size;
      total -= panes[current]!;
      panes[current] = 0;
      if (ctx.config.print_status) {
        ctx.log.info(`${Math.floor(Date.now() / 1000)}: limit is ${rate.toFixed(2)} per ${ctx.config.interval} with window size of ${size}, current rate is: ${Math.trunc(total / size)} per interval`);
      }
    });
    return {
      filter() {
        if (total / size >= rate) return 'drop';
        panes[current] = panes[current]! + 1;
        total++;
        return 'keep';
      },
    };
  },
});
