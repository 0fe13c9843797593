import { describe, expect, it } from 'vitest';
import { EventTime } from './event-time.js';

describe('EventTime.now', () => {
  it('follows the wall clock and never goes backwards', () => {
    let previous = EventTime.now();
    expect(Math.abs(previous.toNumber() * 1000 - Date.now())).toBeLessThan(1000);
    for (let i = 0; i < 100_000; i++) {
      const now = EventTime.now();
      expect(now.sec * 1e9 + now.nsec).toBeGreaterThanOrEqual(previous.sec * 1e9 + previous.nsec);
      expect(now.nsec).toBeLessThan(1e9);
      previous = now;
    }
  });

  it('converts from fractional seconds', () => {
    expect(EventTime.fromSeconds(1700000000.25)).toEqual(new EventTime(1700000000, 250000000));
  });
});
