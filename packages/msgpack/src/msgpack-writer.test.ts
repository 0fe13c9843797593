import { decode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventTime } from './event-time.js';
import { Float64 } from './float64.js';
import { MsgpackReader } from './msgpack-reader.js';
import { encodeString, MsgpackWriter } from './msgpack-writer.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function encoded(write: (writer: MsgpackWriter) => void, options?: { str8?: boolean }): Buffer {
  const writer = new MsgpackWriter(16, options);
  write(writer);
  return writer.bytes();
}

describe('MsgpackWriter', () => {
  it('writes every value in its smallest form', () => {
    expect(hex(encoded((w) => w.writeValue([0, 127, 128, 255, 256, 65536, 2 ** 32, -1, -32, -33, -129, -32769, -(2 ** 31) - 1])))).toBe(
      '9d007fcc80ccffcd0100ce00010000cf0000000100000000ffe0d0dfd1ff7fd2ffff7fffd3ffffffff7fffffff',
    );
    expect(hex(encoded((w) => w.writeValue([1.5, new Float64(2), true, false, null, undefined])))).toBe('96cb3ff8000000000000cb4000000000000000c3c2c0c0');
    expect(hex(encoded((w) => w.writeValue(new EventTime(0x01020304, 5))))).toBe('d7000102030400000005');
    expect(hex(encoded((w) => w.writeExt(5, Buffer.from([1, 2, 3]))))).toBe('c70305010203');
    expect(hex(encoded((w) => w.writeValue(Buffer.from([9]))))).toBe('c40109');
  });

  it('uses str8 unless told not to, as lua-MessagePack never does', () => {
    const text = 'x'.repeat(40);
    expect(encoded((w) => w.writeString(text))[0]).toBe(0xd9);
    expect(hex(encoded((w) => w.writeString(text), { str8: false }).subarray(0, 3))).toBe('da0028');
    expect(hex(encoded((w) => w.writeStringBytes(Buffer.from([0x63, 0xe9]))))).toBe('a263e9');
  });

  it('patches container counts in their smallest form, nested, without a scratch writer', () => {
    const bytes = encoded((w) => {
      const outer = w.beginContainer();
      w.writeString('a');
      const inner = w.beginContainer();
      for (let i = 0; i < 20; i++) w.writeInteger(i);
      w.endArray(inner, 20);
      w.writeString('b');
      const empty = w.beginContainer();
      w.endMap(empty, 0);
      w.endMap(outer, 2);
    });
    expect(decode(bytes)).toEqual({ a: Array.from({ length: 20 }, (_, i) => i), b: {} });
    expect(hex(bytes.subarray(0, 5))).toBe('82a161dc00');
  });

  it('leaves undefined map fields out and grows its buffer as needed', () => {
    const big = 'y'.repeat(100_000);
    expect(decode(encoded((w) => w.writeValue({ a: 1, gone: undefined, big })))).toEqual({ a: 1, big });
    expect(hex(encodeString('key'))).toBe('a36b6579');
  });

  it('round-trips any JSON-like value through a standard decoder and its own reader', () => {
    fc.assert(
      // The standard decoder refuses a __proto__ key (the reader's own tests cover it).
      fc.property(fc.jsonValue().filter((value) => !JSON.stringify(value).includes('"__proto__"')), (value) => {
        const bytes = encoded((w) => w.writeValue(value as never));
        const normalised = JSON.parse(JSON.stringify(value)) as unknown;
        expect(decode(bytes)).toEqual(normalised);
        expect(new MsgpackReader(bytes).read()).toEqual(normalised);
      }),
    );
  });
});
