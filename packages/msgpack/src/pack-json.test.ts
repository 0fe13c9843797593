import { decode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MsgpackFormatError } from './msgpack-error.js';
import { MsgpackReader } from './msgpack-reader.js';
import { packJson } from './pack-json.js';

function kinds(bytes: Uint8Array): string[] {
  const reader = new MsgpackReader(bytes);
  const out: string[] = [];
  while (!reader.done) out.push(reader.next());
  return out;
}

/** Whether JSON.stringify writes an integer past 2^53 in `value` (packed as int64, which JSON.parse reads as a rounded double). */
function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value) && !/e/i.test(String(value));
  if (Array.isArray(value)) return value.some(hasUnsafeInteger);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasUnsafeInteger);
  return false;
}

describe('packJson (flb_pack_json)', () => {
  it('keeps key order and packs decimals as float64 and the rest as ints', () => {
    const bytes = packJson('{"b": 1, "a": 1.0, "c": -2e3, "d": "x\\"y", "e": [true, null], "f": {}}');
    expect(new MsgpackReader(bytes).read()).toEqual({ b: 1, a: 1, c: -2000, d: 'x"y', e: [true, null], f: {} });
    expect(kinds(bytes)).toEqual(['map', 'str', 'uint', 'str', 'float', 'str', 'float', 'str', 'str', 'str', 'array', 'bool', 'nil', 'str', 'map']);
  });

  it('packs containers of 16 and more items with 16-bit counts', () => {
    const items = Array.from({ length: 17 }, (_, i) => i);
    const bytes = packJson(JSON.stringify({ items }));
    expect(decode(bytes)).toEqual({ items });
    expect(bytes[7]).toBe(0xdc);
  });

  it('names the position of a syntax error', () => {
    expect(() => packJson('{"a": }')).toThrow(/invalid JSON at character 7/);
    expect(() => packJson('{"a": 1} x')).toThrow(/unexpected text/);
  });

  it('packs numbers past int64 as Fluent Bit does: uint64 while it fits, else a double', () => {
    const reader = new MsgpackReader(packJson('[9223372036854775808, 18446744073709551616, -9223372036854775809]'));
    expect(reader.read()).toEqual([2n ** 63n, 2 ** 64, -(2 ** 63)]); // the doubles nearest the two texts
  });

  it('packs any JSON text to the value JSON.parse gives', () => {
    fc.assert(
      // The standard decoder refuses a __proto__ key; ours keeps it as an own property.
      fc.property(fc.jsonValue().filter((value) => !JSON.stringify(value).includes('"__proto__"') && !hasUnsafeInteger(value)), (value) => {
        const text = JSON.stringify(value);
        expect(decode(packJson(text))).toEqual(JSON.parse(text));
      }),
    );
  });

  it('throws only MsgpackFormatError for any text that is not JSON', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          packJson(text);
        } catch (error) {
          expect(error).toBeInstanceOf(MsgpackFormatError);
        }
      }),
    );
  });
});
