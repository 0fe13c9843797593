import { writeEvent } from '@tributary/core';
import { Float64, MsgpackReader, MsgpackWriter, type MsgpackValue } from '@tributary/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonNumber, jsonString, msgpackToJson } from './fluent-bit-json.js';
import { jsonRecords, type JsonFormat } from './json-records.js';

const encode = (value: unknown): Uint8Array => {
  const writer = new MsgpackWriter();
  writer.writeValue(value as MsgpackValue);
  return writer.bytes().slice();
};

interface TestEvent {
  sec: number;
  nsec: number;
  body: Uint8Array;
  metadata: Uint8Array;
}

function chunkOf(events: readonly TestEvent[]): Uint8Array {
  const writer = new MsgpackWriter();
  for (const event of events) writeEvent(writer, 'v2', event.sec, event.nsec, event.body, event.metadata);
  return writer.bytes().slice();
}

/** The records as msgpackToJson prints each value, put together as Fluent Bit's `flb_pack_msgpack_to_json_format` does. */
function expected(events: readonly TestEvent[], format: JsonFormat): string {
  const records = events.map((event) => {
    const fields = [`"date":${jsonNumber(event.sec + event.nsec / 1e9)}`];
    const metadata = msgpackToJson(new MsgpackReader(event.metadata));
    if (metadata !== '{}') fields.push(`"__internal__":{"log_metadata":${metadata}}`);
    const body = msgpackToJson(new MsgpackReader(event.body));
    if (!body.startsWith('{')) fields.push(`"log":${body}`);
    else if (body !== '{}') fields.push(body.slice(1, -1));
    return `{${fields.join(',')}}`;
  });
  if (records.length === 0) return '';
  if (format === 'json') return `[${records.join(',')}]`;
  return format === 'json_lines' ? `${records.join('\n')}\n` : records.join('');
}

const text = (data: Uint8Array, format: JsonFormat, dateKey: string | null = 'date') => jsonRecords(data, format, dateKey ?? undefined, 'double').toString('latin1');

describe('jsonRecords', () => {
  it("writes Fluent Bit's JSON: the date first, metadata under __internal__, escapes, integral floats as 1.0", () => {
    const data = chunkOf([
      { sec: 1700000000, nsec: 500_000_000, body: encode({ msg: 'héllo "x"\n', n: -42, f: new Float64(2), g: 0.25, big: 2n ** 60n, bin: new Uint8Array([0x41]), a: [null, true, { k: [] }] }), metadata: encode({ m: 1 }) },
      { sec: 1700000001, nsec: 0, body: encode('a bare string'), metadata: encode({}) },
      { sec: 1700000002, nsec: 0, body: encode({}), metadata: encode({}) },
    ]);
    expect(text(data, 'json_lines')).toBe(
      '{"date":1700000000.5,"__internal__":{"log_metadata":{"m":1}},"msg":"h\\u00e9llo \\"x\\"\\n","n":-42,"f":2.0,"g":0.25,"big":1152921504606846976,"bin":"A","a":[null,true,{"k":[]}]}\n' +
        '{"date":1700000001.0,"log":"a bare string"}\n' +
        '{"date":1700000002.0}\n',
    );
    expect(text(data, 'json', null)).toMatch(/^\[\{"__internal__":\{"log_metadata":\{"m":1\}\},"msg":.*\},\{"log":"a bare string"\},\{\}\]$/);
    expect(text(new Uint8Array(0), 'json')).toBe('');
  });

  it('keys that are not strings are written as the string of their JSON', () => {
    const writer = new MsgpackWriter();
    writer.writeMapHeader(2);
    writer.writeValue(7);
    writer.writeValue('seven');
    writer.writeValue(true);
    writer.writeValue(new Float64(1));
    const data = chunkOf([{ sec: 1, nsec: 0, body: writer.bytes().slice(), metadata: encode({}) }]);
    expect(text(data, 'json_stream', null)).toBe('{"7":"seven","true":1.0}');
  });

  it('prints %.16g: trailing zeros of a fraction go, an integer keeps its digits', () => {
    expect(jsonNumber(1000000000000000.5)).toBe('1000000000000001');
    expect(jsonNumber(1234567890.1)).toBe('1234567890.1');
    expect(jsonNumber(1e21 + 1)).toBe('1e+21');
    expect(jsonNumber(3)).toBe('3.0');
  });

  it('matches msgpackToJson record for record, for any body and metadata (property)', () => {
    // The characters at the edges of what is copied as it is, and any text.
    const edges = fc.string({ unit: fc.constantFrom('a', ' ', '~', '"', '\\', '\u007f', '\u001f', '\n', 'é', '😀') });
    const anyText = fc.oneof(edges, fc.string({ unit: 'binary' }));
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      leaf: fc.oneof(anyText, fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.double().map((d) => new Float64(d)), fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 8 })),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(anyText, tie('node'), { maxKeys: 4 })),
    })).node;
    const map = fc.dictionary(anyText, value, { maxKeys: 5 });
    const event = fc.record({
      sec: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      nsec: fc.integer({ min: 0, max: 999_999_999 }),
      body: fc.oneof(map, map, value).map(encode),
      metadata: fc.oneof(fc.constant({}), map).map(encode),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 5 }), fc.constantFrom<JsonFormat>('json', 'json_lines', 'json_stream'), (events, format) => {
        expect(text(chunkOf(events), format)).toBe(expected(events, format));
      }),
      { numRuns: 300 },
    );
  });

  it('escapes as jsonString does: non-ASCII per UTF-16 unit, invalid UTF-8 as U+FFFD', () => {
    const data = chunkOf([{ sec: 0, nsec: 0, body: encode({ s: 'a😀\u007f\u0001', b: new Uint8Array([0x61, 0xff]) }), metadata: encode({}) }]);
    expect(text(data, 'json_stream', null)).toBe(`{"s":${jsonString('a😀\u007f\u0001')},"b":"a\\ufffd"}`);
    expect(jsonString('a😀')).toBe('"a\\ud83d\\ude00"');
    const ascii = chunkOf([{ sec: 0, nsec: 0, body: encode({ s: 'del\u007f' }), metadata: encode({}) }]);
    expect(text(ascii, 'json_stream', null)).toBe('{"s":"del\\u007f"}');
  });
});
