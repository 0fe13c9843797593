import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { strftimeUtc } from './strftime.js';

describe('strftimeUtc (glibc strftime, C locale, gmtime)', () => {
  it('prints the UTC date and time fields of any second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seconds) => {
        const iso = new Date(seconds * 1000).toISOString();
        expect(strftimeUtc('%Y-%m-%dT%H:%M:%S', seconds)).toBe(iso.slice(0, 19));
        expect(strftimeUtc('%F %T', seconds)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 19)}`);
        expect(strftimeUtc('%s', seconds)).toBe(String(seconds));
      }),
    );
  });

  it('names days and months, counts the day of the year, and leaves an unknown conversion and a trailing % as written', () => {
    const t = 1_700_000_000; // Tuesday 14 November 2023, 22:13:20 UTC
    expect(strftimeUtc('%a %A %b %B %e %j %u %w %I %p %y %C %D %R %z %Z %%', t)).toBe('Tue Tuesday Nov November 14 318 2 2 10 PM 23 20 11/14/23 22:13 +0000 GMT %');
    expect(strftimeUtc('100%Q and 5%', t)).toBe('100%Q and 5%');
  });
});
