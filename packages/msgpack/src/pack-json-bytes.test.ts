import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MsgpackFormatError } from './msgpack-error.js';
import { MsgpackWriter } from './msgpack-writer.js';
import { JsonBytePacker } from './pack-json-bytes.js';
import { packJson } from './pack-json.js';

const packer = new JsonBytePacker();

/** The bytes packer's answer on all of `text`: its msgpack, 'incomplete', or the error's code. */
function packBytes(text: string): Buffer | 'incomplete' | string {
  const bytes = Buffer.from(text, 'utf8');
  const writer = new MsgpackWriter(16);
  try {
    const end = packer.pack(bytes, 0, bytes.length, writer);
    if (end < 0) return 'incomplete';
    if (bytes.subarray(end).toString('latin1').trim() !== '') return 'trailing';
    return Buffer.from(writer.bytes());
  } catch (error) {
    return error instanceof MsgpackFormatError ? error.code : `unexpected ${String(error)}`;
  }
}

function packText(text: string): Buffer | string {
  try {
    return packJson(text);
  } catch (error) {
    return error instanceof MsgpackFormatError ? error.code : `unexpected ${String(error)}`;
  }
}

describe('JsonBytePacker', () => {
  it('packs as packJson does: floats for . and exponents, escapes decoded, big integers as int64/uint64', () => {
    for (const text of ['{"b": 1, "a": 1.0, "c": -2e3, "d": "x\\"y", "e": [true, null], "f": {}}', '[-0, 12345678901234567, 18446744073709551615, 1e400, "é\\u00e9"]', '"plain"']) {
      expect(packBytes(text)).toEqual(packText(text));
    }
  });

  it('copies a string with no escape as its bytes, invalid UTF-8 included', () => {
    const bytes = Buffer.from([0x22, 0xff, 0x41, 0x22]);
    const writer = new MsgpackWriter(16);
    expect(packer.pack(bytes, 0, bytes.length, writer)).toBe(4);
    expect([...writer.bytes()]).toEqual([0xa2, 0xff, 0x41]);
  });

  it('tells bytes that end inside a value (-1, nothing written) from invalid ones (a MsgpackFormatError naming the byte)', () => {
    for (const text of ['{"a": 1', '[1, 2', '"abc', '{"a": tr', '12', '-', '1.', '1e', '1e-', '  ']) expect(packBytes(text)).toBe('incomplete');
    expect(() => packer.pack(Buffer.from('{"a": }'), 0, 7, new MsgpackWriter(16))).toThrow(/invalid JSON at byte 7: unexpected '}'/);
    expect(packBytes('1. ')).toBe('trailing');
    expect(packBytes('{"a" 1}')).toBe('INVALID_JSON');
  });

  it('refuses nesting deeper than 1000 levels with an error, not a stack overflow', () => {
    expect(packBytes('['.repeat(5000) + ']'.repeat(5000))).toBe('INVALID_JSON');
    expect(packBytes('['.repeat(1000) + ']'.repeat(1000))).toEqual(packText('['.repeat(1000) + ']'.repeat(1000)));
  });

  it('gives packJson’s bytes for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('', ' ', '\n'), (value, gap) => {
        const text = JSON.stringify(value) + gap;
        const expected = packText(text);
        const actual = packBytes(text);
        // A top-level number with nothing after it could go on: the stream waits for more.
        if (typeof value === 'number' && gap === '') expect(actual).toBe('incomplete');
        else expect(actual).toEqual(expected);
      }),
    );
  });

  it('accepts and refuses what packJson does on any text of JSON’s characters', () => {
    const unit = fc.constantFrom(...'{}[]",:0123456789.-+eE tfrunals\\/é'.split(''));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), (text) => {
        const expected = packText(text + ' ');
        const actual = packBytes(text + ' ');
        if (typeof expected === 'string') {
          // packJson stops at the first value's end too: text after it fails there, here it is 'trailing'.
          expect(['INVALID_JSON', 'trailing', 'incomplete']).toContain(actual);
        } else expect(actual).toEqual(expected);
      }),
    );
  });
});
