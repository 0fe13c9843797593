import { describe, expect, it } from 'vitest';
import { runFilters } from './filter-test-support.js';
import { throttleFilter } from './throttle.js';

const burst = Array.from({ length: 20 }, (_, i) => ({ body: { i } }));
const kept = async (properties: Array<[string, string]>) => (await runFilters([{ plugin: throttleFilter, properties }], burst)).bodies.map((b) => b.i);

describe('throttle (throttle.c, window.c)', () => {
  it('lets records through while the average over the window is below Rate, then drops', async () => {
    // Rate 2 over a window of 3 panes: the first 6 records of a burst pass, as in Fluent Bit's slow start.
    expect(await kept([['Rate', '2'], ['Window', '3'], ['Interval', '1s']])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('falls back to the defaults for a Rate and a Window of at most 1, as Fluent Bit does', async () => {
    expect(await kept([['Rate', '0.5'], ['Window', '1']])).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses an Interval it cannot read', async () => {
    await expect(runFilters([{ plugin: throttleFilter, properties: [['Interval', 'soon']] }], [])).rejects.toThrow(/Interval 'soon' must be at least one second/);
  });
});
