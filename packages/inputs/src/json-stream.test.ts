import fc from 'fast-check';
import { MsgpackFormatError, MsgpackReader, packJson } from '@tributary/msgpack';
import { splitStream } from '@tributary/msgpack/testing';
import { describe, expect, it } from 'vitest';
import { JsonStream } from './json-stream.js';

function values(chunks: readonly Uint8Array[]): unknown[] {
  const stream = new JsonStream(1 << 20);
  const out: unknown[] = [];
  for (const chunk of chunks) stream.push(chunk, (packed) => out.push(new MsgpackReader(packed).read()));
  return out;
}

describe('JsonStream', () => {
  it('packs concatenated and newline-separated values, strings with braces and escapes included', () => {
    expect(values([Buffer.from('{"a":"}{\\"x"}[1,[2]]\n{"b":{}} "s" 12 ')])).toEqual([{ a: '}{"x' }, [1, [2]], { b: {} }, 's', 12]);
  });

  it('hands each value its first byte and its JSON bytes, and its msgpack as packJson makes it', () => {
    const seen: [Buffer, string, string][] = [];
    new JsonStream(100).push(Buffer.from(' {"a":1.0}[2]'), (packed, first, json) => seen.push([Buffer.from(packed), String.fromCharCode(first), json.toString()]));
    expect(seen).toEqual([
      [packJson('{"a":1.0}'), '{', '{"a":1.0}'],
      [packJson('[2]'), '[', '[2]'],
    ]);
  });

  it('gives the same values however the stream is split', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue())), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom('', '\n', ' \r\n'), (items, cuts, gap) => {
        const stream = Buffer.from(items.map((item) => JSON.stringify(item)).join(gap), 'utf8');
        expect(values(splitStream(stream, cuts))).toEqual(values([stream]));
        expect(values([stream])).toEqual(items.map((item) => new MsgpackReader(packJson(JSON.stringify(item))).read()));
      }),
    );
  });

  it('throws at invalid JSON after the values before it, holding the rest for the caller to drop', () => {
    const stream = new JsonStream(100);
    const out: unknown[] = [];
    expect(() => stream.push(Buffer.from('{"a":1} {"b" 2} {"c":3}'), (packed) => out.push(new MsgpackReader(packed).read()))).toThrow(MsgpackFormatError);
    expect(out).toEqual([{ a: 1 }]);
    expect(stream.pending).toBe(15);
    stream.reset();
    expect(values([Buffer.from('{"d":4}')])).toEqual([{ d: 4 }]);
  });

  it('refuses a value over the limit and starts over', () => {
    const stream = new JsonStream(8);
    expect(stream.push(Buffer.from('{"aaaaaaaaaa":'), () => {})).toBe(false);
    expect(stream.pending).toBe(0);
  });
});
