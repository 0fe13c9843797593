import fc from 'fast-check';
import { splitStream } from '@tributary/msgpack/testing';
import { describe, expect, it } from 'vitest';
import { JsonStreamSplitter } from './json-stream.js';

function values(chunks: readonly Uint8Array[]): string[] {
  const splitter = new JsonStreamSplitter(1 << 20);
  const out: string[] = [];
  for (const chunk of chunks) splitter.push(chunk, (bytes) => out.push(bytes.toString('utf8')));
  return out;
}

describe('JsonStreamSplitter', () => {
  it('finds concatenated and newline-separated values, strings with braces and escapes included', () => {
    expect(values([Buffer.from('{"a":"}{\\"x"}[1,[2]]\n{"b":{}} "s" ')])).toEqual(['{"a":"}{\\"x"}', '[1,[2]]', '{"b":{}}', '"s"']);
  });

  it('gives the same values however the stream is split', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue())), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom('', '\n', ' \r\n'), (items, cuts, gap) => {
        const texts = items.map((item) => JSON.stringify(item));
        const stream = Buffer.from(texts.join(gap), 'utf8');
        expect(values(splitStream(stream, cuts)).map((text) => JSON.parse(text))).toEqual(items.map((item) => JSON.parse(JSON.stringify(item))));
      }),
    );
  });

  it('refuses a value over the limit and starts over', () => {
    const splitter = new JsonStreamSplitter(8);
    expect(splitter.push(Buffer.from('{"aaaaaaaaaa":'), () => {})).toBe(false);
    expect(splitter.pending).toBe(0);
  });
});
