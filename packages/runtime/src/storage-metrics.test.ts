import { describe, expect, it } from 'vitest';
import { humanReadableSize } from './storage-metrics.js';

describe('humanReadableSize (flb_utils_bytes_to_human_readable_size)', () => {
  it('writes bytes below 1 KiB as they are, and larger sizes with one decimal of their unit', () => {
    expect(humanReadableSize(0)).toBe('0b');
    expect(humanReadableSize(1023)).toBe('1023b');
    expect(humanReadableSize(1024)).toBe('1.0K');
    expect(humanReadableSize(1300)).toBe('1.3K');
    expect(humanReadableSize(1536)).toBe('1.5K');
    expect(humanReadableSize(5_000_000)).toBe('4.8M');
    expect(humanReadableSize(64 * 1024 * 1024)).toBe('64.0M');
    expect(humanReadableSize(3 * 1024 ** 3)).toBe('3.0G');
  });

  it("rounds a tie to even as C's %.1f does", () => {
    expect(humanReadableSize(1280)).toBe('1.2K'); // 1.25
    expect(humanReadableSize(1792)).toBe('1.8K'); // 1.75
    expect(humanReadableSize(2304)).toBe('2.2K'); // 2.25
  });
});
