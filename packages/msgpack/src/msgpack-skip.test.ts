import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MsgpackFormatError } from './msgpack-error.js';
import { MsgpackReader } from './msgpack-reader.js';
import { skipItem, strBounds } from './msgpack-skip.js';

const value = fc.oneof(fc.jsonValue(), fc.uint8Array(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.double());

describe('skipItem', () => {
  it('ends where the reader ends, for any item', () => {
    fc.assert(
      fc.property(value, value, (first, second) => {
        const bytes = Buffer.concat([encode(first, { useBigInt64: true }), encode(second, { useBigInt64: true })]);
        const reader = new MsgpackReader(bytes);
        reader.skip();
        expect(skipItem(bytes, 0)).toBe(reader.offset);
        expect(skipItem(bytes, reader.offset)).toBe(bytes.length);
      }),
    );
  });

  it('throws a MsgpackFormatError, never anything else, for truncated or garbled bytes', () => {
    fc.assert(
      fc.property(value, fc.nat(), fc.uint8Array({ maxLength: 12 }), (item, cut, garbage) => {
        const bytes = encode(item, { useBigInt64: true });
        for (const sample of [bytes.subarray(0, cut % Math.max(1, bytes.length)), garbage]) {
          try {
            expect(skipItem(sample, 0)).toBeLessThanOrEqual(sample.length);
          } catch (error) {
            expect(error).toBeInstanceOf(MsgpackFormatError);
          }
        }
      }),
    );
  });

  it('strBounds finds a str payload and refuses anything else', () => {
    const bounds = { start: 0, end: 0 };
    const long = 'x'.repeat(300);
    expect(strBounds(encode(long), 0, bounds)).toBe(true);
    expect(bounds).toEqual({ start: 3, end: 303 });
    expect(strBounds(encode(1), 0, bounds)).toBe(false);
  });
});
