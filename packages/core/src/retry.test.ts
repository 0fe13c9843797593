import { describe, expect, it } from 'vitest';
import { mayRetry, retryDelaySeconds } from './retry.js';

describe('retryDelaySeconds (full jitter)', () => {
  it('waits 6 to 11 s before the first retry and 6 to 21 s before the second', () => {
    expect(retryDelaySeconds(1, { base: 5, cap: 2000 }, () => 0)).toBe(6);
    expect(retryDelaySeconds(1, { base: 5, cap: 2000 }, () => 0.9999)).toBe(11);
    expect(retryDelaySeconds(2, { base: 5, cap: 2000 }, () => 0.9999)).toBe(21);
  });

  it('never exceeds cap + 1', () => {
    expect(retryDelaySeconds(30, { base: 5, cap: 100 }, () => 0.9999)).toBe(101);
  });
});

describe('mayRetry', () => {
  it('follows Retry_Limit', () => {
    expect(mayRetry(1, 0)).toBe(true);
    expect(mayRetry(1, 1)).toBe(false);
    expect(mayRetry(0, 0)).toBe(false);
    expect(mayRetry(-1, 1000)).toBe(true);
  });
});
