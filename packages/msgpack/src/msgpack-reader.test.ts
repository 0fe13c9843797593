import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventTime } from './event-time.js';
import { MsgpackFormatError } from './msgpack-error.js';
import { MsgpackReader } from './msgpack-reader.js';
import { MsgpackWriter } from './msgpack-writer.js';

describe('MsgpackReader', () => {
  it('reports exact wire kinds', () => {
    const bytes = encode([1, -1, 1.5, 'a', new Uint8Array([1]), null, true, { k: [] }]);
    const reader = new MsgpackReader(bytes);
    const kinds: string[] = [];
    while (!reader.done) kinds.push(reader.next());
    expect(kinds).toEqual(['array', 'uint', 'int', 'float', 'str', 'bin', 'nil', 'bool', 'map', 'str', 'array']);
  });

  it('reads EventTime, other ext values, bin and 64-bit integers', () => {
    const writer = new MsgpackWriter();
    writer.writeArrayHeader(4);
    writer.writeEventTime(1700000000, 5);
    writer.writeExt(3, Buffer.from([7]));
    writer.writeBin(Buffer.from([0, 255]));
    writer.writeBigInt(2n ** 63n);
    expect(new MsgpackReader(writer.bytes()).read()).toEqual([new EventTime(1700000000, 5), { type: 3, data: Buffer.from([7]) }, Buffer.from([0, 255]), 2n ** 63n]);
  });

  it('decodes a non-UTF-8 str as U+FFFD, or keeps its bytes when asked', () => {
    const writer = new MsgpackWriter();
    writer.writeStringBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(new MsgpackReader(writer.bytes()).read()).toBe('caf\ufffd');
    expect(new MsgpackReader(writer.bytes(), 0, writer.length, { invalidUtf8: 'bytes' }).read()).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  });

  it('keeps a __proto__ key as an own property, never as the prototype', () => {
    const writer = new MsgpackWriter();
    writer.writeMapHeader(1);
    writer.writeString('__proto__');
    writer.writeMap({ polluted: true });
    const map = new MsgpackReader(writer.bytes()).read() as Record<string, unknown>;
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(Object.keys(map)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returns the same string object for repeated short strings when caching', () => {
    const bytes = encode(['EventId', 'EventId']);
    const reader = new MsgpackReader(bytes, 0, bytes.length, { cacheShortStrings: true });
    const [a, b] = reader.read() as string[];
    expect(a).toBe('EventId');
    expect(b).toBe(a);
  });

  it('throws a MsgpackFormatError, never anything else, for any truncated or garbled input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (garbage) => {
        const reader = new MsgpackReader(garbage);
        try {
          while (!reader.done) reader.read();
        } catch (error) {
          expect(error).toBeInstanceOf(MsgpackFormatError);
        }
      }),
    );
  });
});
