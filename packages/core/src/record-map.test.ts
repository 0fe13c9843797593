import { decode, encode } from '@msgpack/msgpack';
import { MsgpackReader, MsgpackWriter } from '@tributary/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordMap } from './record-map.js';

const write = (map: RecordMap) => {
  const writer = new MsgpackWriter();
  map.writeTo(writer);
  return Buffer.from(writer.bytes());
};

/** A msgpack map with str keys, possibly repeated, and any values. */
const mapBytes = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('log', 'level', 'a', 'é'), fc.string()), fc.jsonValue()), { maxLength: 8 })
  .map((pairs) => {
    const writer = new MsgpackWriter();
    writer.writeMapHeader(pairs.length);
    for (const [key, value] of pairs) {
      writer.writeString(key);
      writer.writeValue(value as never);
    }
    return { pairs, bytes: Buffer.from(writer.bytes()) };
  });

/**
 * A value as msgpack holds it (-0 written as the integer 0, as Fluent Bit packs it), read back
 * by our reader: @msgpack/msgpack refuses a `__proto__` key, which fc.jsonValue() can make.
 */
function asPacked(value: unknown): unknown {
  const writer = new MsgpackWriter();
  writer.writeValue(value as never);
  return new MsgpackReader(writer.bytes(), 0, writer.length, { invalidUtf8: 'bytes' }).read();
}

describe('RecordMap', () => {
  it('writes an untouched map back byte for byte, parsed or not, duplicate keys and float kinds included', () => {
    fc.assert(
      fc.property(mapBytes, ({ bytes }) => {
        expect(write(RecordMap.of(bytes))).toEqual(bytes);
        const parsed = RecordMap.of(bytes);
        parsed.keys();
        expect(write(parsed)).toEqual(bytes);
      }),
    );
  });

  it('gives the same object from its bytes as once parsed, __proto__ and duplicate keys included', () => {
    const keyed = fc.oneof(mapBytes, fc.constant({ pairs: [], bytes: Buffer.from(encode({ ['__proto__']: 1, a: { __proto__: 2 } })) }));
    fc.assert(
      fc.property(keyed, ({ bytes }) => {
        const parsed = RecordMap.of(bytes);
        parsed.keys();
        const fromBytes = RecordMap.of(bytes).toObject();
        expect(fromBytes).toStrictEqual(parsed.toObject());
        expect(Object.getPrototypeOf(fromBytes)).toBe(Object.prototype);
      }),
    );
    // A key that is not a str is spelled as the stdout output prints it, with or without parsing.
    const writer = new MsgpackWriter();
    writer.writeMapHeader(2);
    writer.writeValue(7);
    writer.writeString('seven');
    writer.writeString('log');
    writer.writeString('x');
    expect(RecordMap.of(Buffer.from(writer.bytes())).toObject()).toEqual({ 7: 'seven', log: 'x' });
  });

  it('finds a key in the bytes as it does once parsed: the last entry of a key wins', () => {
    fc.assert(
      fc.property(mapBytes, fc.constantFrom('log', 'level', 'a', 'é', 'missing'), ({ pairs, bytes }, key) => {
        const last = pairs.filter(([k]) => k === key).at(-1);
        const lazy = RecordMap.of(bytes);
        const parsed = RecordMap.of(bytes);
        parsed.keys();
        for (const map of [lazy, parsed]) {
          expect(map.has(key)).toBe(last !== undefined);
          expect(map.get(key)).toEqual(last === undefined ? undefined : asPacked(last[1]));
          expect(map.text(key)).toBe(typeof last?.[1] === 'string' ? last[1] : undefined);
        }
      }),
    );
  });

  it('changes entries in place as Fluent Bit filters do, and writes values it never read as they came', () => {
    const bytes = Buffer.from(encode({ keep: 1.5, a: 'x', b: [1, 2], dup: 1 }));
    const map = RecordMap.of(bytes);
    map.append('dup', 2);
    map.renameAt(map.indexOf('a'), 'renamed');
    map.copyEntry(map.indexOf('b'), 'b2', map.indexOf('b') + 1);
    map.move((key) => key.startsWith('dup'), 'start');
    const nested = map.take((key) => key.startsWith('b'));
    map.append('nested', nested);
    map.set('keep', 'replaced');
    expect(map.keys()).toEqual(['dup', 'dup', 'renamed', 'nested', 'keep']);
    expect(decode(write(map))).toEqual({ dup: 2, renamed: 'x', nested: { b: [1, 2], b2: [1, 2] }, keep: 'replaced' });
    expect(map.toObject()).toEqual({ dup: 2, renamed: 'x', nested: { b: [1, 2], b2: [1, 2] }, keep: 'replaced' });
    expect(map.count('dup')).toBe(2);
    expect(map.delete('dup')).toBe(2);
  });

  it('reads a nested map as a RecordMap, and text only from strings', () => {
    const map = RecordMap.of(Buffer.from(encode({ inner: { k: 'v' }, n: 1, s: 's' })));
    expect(map.mapAt(map.indexOf('inner'))!.get('k')).toBe('v');
    expect(map.mapAt(map.indexOf('n'))).toBeUndefined();
    expect([map.text('n'), map.text('s'), map.text('inner')]).toEqual([undefined, 's', undefined]);
  });
});
