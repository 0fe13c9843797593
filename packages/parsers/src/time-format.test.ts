import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimeOffset, TimeFormat } from './time-format.js';

const at = (format: string, text: string, settings: Partial<ConstructorParameters<typeof TimeFormat>[0]> = {}, now?: number) =>
  new TimeFormat({ format, ...settings }, 'p').parse(text, now);

describe('TimeFormat (Fluent Bit strptime)', () => {
  it('reads the stock parsers\' formats', () => {
    // docker: %Y-%m-%dT%H:%M:%S.%L, no zone: UTC
    expect(at('%Y-%m-%dT%H:%M:%S.%L', '2023-11-14T22:13:20.123456789Z')).toEqual({ sec: 1700000000, nsec: 123456789 });
    // cri: %L then %z
    expect(at('%Y-%m-%dT%H:%M:%S.%L%z', '2023-11-14T23:13:20.5+01:00')).toEqual({ sec: 1700000000, nsec: 500000000 });
    // apache: %d/%b/%Y:%H:%M:%S %z
    expect(at('%d/%b/%Y:%H:%M:%S %z', '14/Nov/2023:14:13:20 -0800')).toEqual({ sec: 1700000000, nsec: 0 });
    // syslog-rfc3164: no year, the current one is used
    expect(at('%b %d %H:%M:%S', 'Nov 14 22:13:20', {}, Date.UTC(2023, 5, 1))).toEqual({ sec: 1700000000, nsec: 0 });
  });

  it('takes a run of whitespace for a space, ignores what follows the format, and reads %s', () => {
    expect(at('%b %d %H:%M:%S', 'Nov  4 22:13:20 host app', {}, Date.UTC(2023, 0, 1))!.sec).toBe(Date.UTC(2023, 10, 4, 22, 13, 20) / 1000);
    expect(at('%s', '1700000000')).toEqual({ sec: 1700000000, nsec: 0 });
    expect(at('%Y-%m-%d %I:%M:%S %p', '2023-11-14 10:13:20 PM')).toEqual({ sec: 1700000000, nsec: 0 });
  });

  it('applies Time_Offset, Time_Zone and the zones %z and %Z name', () => {
    expect(at('%Y-%m-%d %H:%M:%S', '2023-11-15 07:13:20', { offsetSeconds: 9 * 3600 })!.sec).toBe(1700000000);
    expect(at('%Y-%m-%d %H:%M:%S', '2023-11-14 23:13:20', { zone: 'Europe/Berlin' })!.sec).toBe(1700000000);
    expect(at('%Y-%m-%d %H:%M:%S %Z', '2023-11-14 14:13:20 PST')!.sec).toBe(1700000000);
    expect(at('%Y-%m-%dT%H:%M:%SZ', '2023-11-14T22:13:20Z', { offsetSeconds: 3600 })!.sec).toBe(1700000000); // a literal Z states UTC
  });

  it('fails a text that does not fit, unless Time_Strict is off', () => {
    expect(at('%Y-%m-%d', '2023-13-01')).toBeUndefined();
    expect(at('%Y-%m-%dT%H:%M:%S.%L', '2023-11-14T22:13:20')).toBeUndefined(); // %L needs a digit
    expect(at('%Y-%m-%d %H', '2023-11-14 x', { strict: false })).toEqual({ sec: Date.UTC(2023, 10, 14) / 1000, nsec: 0 });
  });

  it('refuses a directive Fluent Bit does not read, and a bad Time_Zone', () => {
    expect(() => new TimeFormat({ format: '%Y %Q' }, 'p')).toThrow("parser 'p': Time_Format '%Y %Q' has %Q, which Fluent Bit's strptime does not read.");
    expect(() => new TimeFormat({ format: '%Y', zone: 'Mars/Olympus' }, 'p')).toThrow("Time_Zone 'Mars/Olympus' is not an IANA time zone name");
  });

  it('round-trips any instant through %Y-%m-%dT%H:%M:%S.%L%z', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800 }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: -12 * 60, max: 14 * 60 }), (sec, micros, offsetMinutes) => {
        const shifted = new Date((sec + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        const text = `${shifted}.${String(micros).padStart(6, '0')}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        const parsed = at('%Y-%m-%dT%H:%M:%S.%L%z', text)!;
        expect(parsed.sec).toBe(sec);
        expect(Math.abs(parsed.nsec - micros * 1000)).toBeLessThanOrEqual(1); // through a double, as Fluent Bit
      }),
    );
  });

  it('never throws on any text', () => {
    const format = new TimeFormat({ format: '%d/%b/%Y:%H:%M:%S.%L %z' }, 'p');
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => void format.parse(text)));
  });
});

describe('parseTimeOffset', () => {
  it.each([['+0900', 32400], ['-05:30', -19800], ['Z', 0], ['0900', undefined], ['+9', undefined]])('%s', (text, seconds) => {
    expect(parseTimeOffset(text)).toBe(seconds);
  });
});
