import { describe, expect, it } from 'vitest';
import { parseBoolean, parseDuration, parseInteger, parseLogLevel, parseNumber, parseSize } from './value-parsers.js';

describe("Fluent Bit's value parsers", () => {
  it.each([
    ['on', true], ['Yes', true], ['TRUE', true], ['off', false], ['no', false], ['False', false], ['1', undefined], ['', undefined],
  ])('parseBoolean(%j) is %j', (text, expected) => expect(parseBoolean(text)).toBe(expected));

  it.each([
    ['5M', 5_000_000], ['512K', 512_000], ['1G', 1e9], ['2MB', 2_000_000], ['1.5k', 1500], ['100', 100], ['false', 0], ['5 M', 5e6],
    ['5X', undefined], ['M', undefined], ['-1', undefined], ['5MiB', undefined],
  ])('parseSize(%j) is %j', (text, expected) => expect(parseSize(text)).toBe(expected));

  it.each([
    ['30s', 30], ['5m', 300], ['1h', 3600], ['2d', 172800], ['10', 10], ['0s', 0], ['1.5m', undefined], ['soon', undefined], ['-1s', undefined],
  ])('parseDuration(%j) is %j', (text, expected) => expect(parseDuration(text)).toBe(expected));

  it('parses integers, numbers and log levels', () => {
    expect(parseInteger(' -7 ')).toBe(-7);
    expect(parseInteger('7.5')).toBeUndefined();
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('x')).toBeUndefined();
    expect(parseLogLevel('WARNING')).toBe('warn');
    expect(parseLogLevel('loud')).toBeUndefined();
  });
});

describe('value parsers on any text', () => {
  it('never throw, and read back what they would print', async () => {
    const fc = (await import('fast-check')).default;
    const { parseBoolean, parseDuration, parseInteger, parseLogLevel, parseNumber, parseSize } = await import('./value-parsers.js');
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        for (const parse of [parseBoolean, parseDuration, parseInteger, parseLogLevel, parseNumber, parseSize]) parse(text);
      }),
    );
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => parseInteger(String(n)) === n && parseSize(String(n)) === n && parseDuration(`${n}s`) === n));
    fc.assert(fc.property(fc.constantFrom('on', 'ON', 'true', 'Yes', 'off', 'false', 'no'), (word) => typeof parseBoolean(word) === 'boolean'));
  });
});
