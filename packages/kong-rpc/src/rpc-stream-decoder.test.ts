import fc from 'fast-check';
import { MsgpackFormatError } from '@tributary/msgpack';
import { describe, expect, it } from 'vitest';
import { RpcStreamDecoder } from './rpc-stream-decoder.js';
import { encodeLikeKong, LuaString } from './testing/lua-msgpack-encoder.js';
import { splitStream } from '@tributary/msgpack/testing';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const ascii = (text: string) => Buffer.from(text).toString('hex');

// Spec 1.6: a HandleEvent request exactly as Kong writes it.
const HANDLE_EVENT = hex(`94 00 02 b2 ${ascii('plugin.HandleEvent')} 91 82 aa ${ascii('InstanceId')} 00 a9 ${ascii('EventName')} a6 ${ascii('access')}`);
const HANDLE_EVENT_VALUE = [0, 2, 'plugin.HandleEvent', [{ InstanceId: 0, EventName: 'access' }]];
// A Step carrying 70 KB of body as bin (Kong 3.x raw body), which crosses reads.
const BIG_BODY = Buffer.alloc(70_000, 7);
const BIG_STEP = encodeLikeKong([0, 3, 'plugin.Step', [{ EventId: 0, Data: BIG_BODY }]]);
const BIG_STEP_VALUE = [0, 3, 'plugin.Step', [{ EventId: 0, Data: BIG_BODY }]];

function feed(chunks: readonly Uint8Array[]): unknown[] {
  const decoder = new RpcStreamDecoder();
  const out: unknown[] = [];
  for (const chunk of chunks) decoder.push(chunk, (message) => out.push(message));
  expect(decoder.buffered).toBe(0);
  return out;
}

describe('RpcStreamDecoder framing (split-buffer matrix)', () => {
  it('decodes a whole message in one chunk', () => {
    expect(feed([HANDLE_EVENT])).toEqual([HANDLE_EVENT_VALUE]);
  });

  it.each([
    ['at the start', 1],
    ['in the middle', Math.floor(HANDLE_EVENT.length / 2)],
    ['at the end', HANDLE_EVENT.length - 1],
  ])('decodes a message cut %s', (_where, cut) => {
    expect(feed([HANDLE_EVENT.subarray(0, cut), HANDLE_EVENT.subarray(cut)])).toEqual([HANDLE_EVENT_VALUE]);
  });

  it('decodes a message cut at every offset', () => {
    for (let cut = 1; cut < HANDLE_EVENT.length; cut++) {
      expect(feed([HANDLE_EVENT.subarray(0, cut), HANDLE_EVENT.subarray(cut)])).toEqual([HANDLE_EVENT_VALUE]);
    }
  });

  it('decodes a message fed one byte at a time', () => {
    expect(feed([...HANDLE_EVENT].map((b) => Buffer.of(b)))).toEqual([HANDLE_EVENT_VALUE]);
  });

  it('decodes two messages in one chunk, and two and a half', () => {
    expect(feed([Buffer.concat([HANDLE_EVENT, HANDLE_EVENT])])).toEqual([HANDLE_EVENT_VALUE, HANDLE_EVENT_VALUE]);
    const twoAndHalf = Buffer.concat([HANDLE_EVENT, HANDLE_EVENT, HANDLE_EVENT.subarray(0, 10)]);
    expect(feed([twoAndHalf, HANDLE_EVENT.subarray(10)])).toEqual([HANDLE_EVENT_VALUE, HANDLE_EVENT_VALUE, HANDLE_EVENT_VALUE]);
  });

  it('decodes a 70 KB message split over 64 KB reads, then one more message in the same read', () => {
    const stream = Buffer.concat([BIG_STEP, HANDLE_EVENT]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 65_536) chunks.push(stream.subarray(at, at + 65_536));
    expect(feed(chunks)).toEqual([BIG_STEP_VALUE, HANDLE_EVENT_VALUE]);
  });
});

describe('RpcStreamDecoder values (what Kong sends)', () => {
  it('keeps non-UTF-8 str bytes as a Buffer and decodes bin as a Buffer', () => {
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1
    const [value] = feed([encodeLikeKong({ header: new LuaString(latin1), body: Buffer.from([0, 255]), text: 'héllo' })]);
    expect(value).toEqual({ header: latin1, body: Buffer.from([0, 255]), text: 'héllo' });
  });

  it('reads str16 and str32, which lua-MessagePack uses instead of str8', () => {
    const long = 'x'.repeat(40);
    const bytes = encodeLikeKong(long);
    expect(bytes[0]).toBe(0xda);
    expect(feed([bytes])).toEqual([long]);
  });

  it('reads floats, negative ints, uint64 and empty tables', () => {
    expect(feed([encodeLikeKong([1712345678.123, -200, 2 ** 40, [], true, null])])).toEqual([[1712345678.123, -200, 2 ** 40, [], true, null]]);
  });

  it('rejects a byte that is not msgpack', () => {
    expect(() => new RpcStreamDecoder().push(Buffer.of(0xc1), () => {})).toThrow('invalid msgpack type byte 0xc1');
  });
});

describe('RpcStreamDecoder (properties)', () => {
  const kongValue = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
      fc.string(),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string().filter((key) => key !== '__proto__'), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('decodes any sequence of Kong-encoded messages the same way however the stream is split', () => {
    fc.assert(
      fc.property(fc.array(kongValue, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (values, cuts) => {
        const stream = Buffer.concat(values.map((value) => encodeLikeKong(value)));
        const whole = feed([stream]);
        const chunks = splitStream(stream, cuts);
        expect(feed(chunks)).toEqual(whole);
        expect(whole).toHaveLength(values.length);
      }),
    );
  });

  it('throws only MsgpackFormatError for garbage, never hangs or crashes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 4 }), (chunks) => {
        const decoder = new RpcStreamDecoder({ maxMessageBytes: 4096 });
        try {
          for (const chunk of chunks) decoder.push(chunk, () => {});
        } catch (error) {
          expect(error).toBeInstanceOf(MsgpackFormatError);
        }
      }),
    );
  });
});
