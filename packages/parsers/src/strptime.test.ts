import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyTime, strptime } from './strptime.js';

describe('strptime', () => {
  it('reads back the fields of any date it is given in %Y-%m-%d %H:%M:%S', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0, 1)), noInvalidDate: true }), (date) => {
        const text = date.toISOString().slice(0, 19).replace('T', ' ');
        const time = emptyTime();
        expect(strptime(text, 0, '%Y-%m-%d %H:%M:%S', time)).toBe(19);
        expect([time.year, time.month, time.day, time.hour, time.minute, time.second]).toEqual([
          date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(),
        ]);
      }),
    );
  });

  it('returns -1 or a position inside the text for any text and format, never throws', () => {
    const format = fc.array(fc.constantFrom('%Y', '%m', '%d', '%H', '%M', '%S', '%b', '%z', '%Z', '%p', '%s', '%j', ' ', '-', ':', 'T', '%T', '%F', '%%'), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), format, (text, fmt) => {
        const end = strptime(text, 0, fmt, emptyTime());
        expect(end === -1 || (end >= 0 && end <= text.length)).toBe(true);
      }),
    );
  });
});
