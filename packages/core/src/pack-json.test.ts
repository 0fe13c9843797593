import { describe, expect, it } from 'vitest';
import { MsgpackReader } from './msgpack-reader.js';
import { packJson } from './pack-json.js';

function kinds(bytes: Uint8Array): string[] {
  const reader = new MsgpackReader(bytes);
  const out: string[] = [];
  while (!reader.done) out.push(reader.next());
  return out;
}

describe('packJson (flb_pack_json)', () => {
  it('keeps key order and packs decimals as float64 and the rest as ints', () => {
    const bytes = packJson('{"b": 1, "a": 1.0, "c": -2e3, "d": "x\\"y", "e": [true, null], "f": {}}');
    expect(new MsgpackReader(bytes).read()).toEqual({ b: 1, a: 1, c: -2000, d: 'x"y', e: [true, null], f: {} });
    expect(kinds(bytes)).toEqual(['map', 'str', 'uint', 'str', 'float', 'str', 'float', 'str', 'str', 'str', 'array', 'bool', 'nil', 'str', 'map']);
  });

  it('names the position of a syntax error', () => {
    expect(() => packJson('{"a": }')).toThrow(/invalid JSON at character 7/);
    expect(() => packJson('{"a": 1} x')).toThrow(/unexpected text/);
  });
});
