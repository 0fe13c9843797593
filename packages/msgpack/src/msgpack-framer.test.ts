import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MsgpackFormatError } from './msgpack-error.js';
import { MsgpackFramer } from './msgpack-framer.js';
import { splitStream } from './testing/split-stream.js';

/** Feeds `chunks` and returns the messages as hex, checking nothing is left over. */
function frame(chunks: Uint8Array[], framer = new MsgpackFramer()): string[] {
  const out: string[] = [];
  for (const chunk of chunks) framer.push(chunk, (bytes, start, end) => out.push(bytes.toString('hex', start, end)));
  expect(framer.buffered).toBe(0);
  return out;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const MESSAGE = encode([0, 2, 'plugin.HandleEvent', [{ InstanceId: 0, EventName: 'access' }]]);
const BIG = encode([0, 3, 'plugin.Step', [{ EventId: 0, Data: new Uint8Array(70_000).fill(7) }]]);

describe('MsgpackFramer (split-buffer matrix)', () => {
  it('frames a whole message, one cut at every offset, and one byte at a time', () => {
    expect(frame([MESSAGE])).toEqual([hex(MESSAGE)]);
    for (let cut = 1; cut < MESSAGE.length; cut++) {
      expect(frame([MESSAGE.subarray(0, cut), MESSAGE.subarray(cut)])).toEqual([hex(MESSAGE)]);
    }
    expect(frame([...MESSAGE].map((b) => Uint8Array.of(b)))).toEqual([hex(MESSAGE)]);
  });

  it('frames two messages in one read, and two and a half then the rest', () => {
    const two = Buffer.concat([MESSAGE, MESSAGE]);
    expect(frame([two])).toEqual([hex(MESSAGE), hex(MESSAGE)]);
    const twoAndHalf = Buffer.concat([MESSAGE, MESSAGE, MESSAGE.subarray(0, 10)]);
    expect(frame([twoAndHalf, MESSAGE.subarray(10)])).toEqual([hex(MESSAGE), hex(MESSAGE), hex(MESSAGE)]);
  });

  it('frames a 70 KB message over 64 KB reads with another message in the same read', () => {
    const stream = Buffer.concat([BIG, MESSAGE]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 65_536) chunks.push(stream.subarray(at, at + 65_536));
    expect(frame(chunks)).toEqual([hex(BIG), hex(MESSAGE)]);
  });

  it('holds an unfinished message and says how much it holds', () => {
    const framer = new MsgpackFramer();
    framer.push(MESSAGE.subarray(0, 5), () => expect.unreachable());
    expect(framer.buffered).toBe(5);
  });

  it('refuses a byte that cannot start an item, and a message over the size limit as soon as its header says so', () => {
    expect(() => frame([Uint8Array.of(0xc1)])).toThrow(/invalid msgpack type byte 0xc1/);
    const framer = new MsgpackFramer({ maxMessageBytes: 100 });
    expect(() => framer.push(Uint8Array.of(0xdb, 0, 0, 1, 0), () => {})).toThrow(MsgpackFormatError);
    expect(() => new MsgpackFramer({ maxMessageBytes: 100 }).push(Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff), () => {})).toThrow(/larger than 100 bytes/);
  });

  it('gives the same messages for any split of any sequence of messages', () => {
    const messages = fc.array(fc.jsonValue(), { minLength: 1, maxLength: 6 }).map((values) => values.map((value) => encode(value)));
    fc.assert(
      fc.property(messages, fc.array(fc.nat(), { maxLength: 8 }), (encoded, cuts) => {
        const stream = Buffer.concat(encoded);
        const chunks = splitStream(stream, cuts);
        expect(frame(chunks)).toEqual(encoded.map(hex));
      }),
    );
  });

  it('ends with a MsgpackFormatError or held bytes for any garbage, never a hang or another exception', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 }), (chunks) => {
        const framer = new MsgpackFramer({ maxMessageBytes: 1 << 16 });
        try {
          for (const chunk of chunks) framer.push(chunk, () => {});
        } catch (error) {
          expect(error).toBeInstanceOf(MsgpackFormatError);
        }
      }),
    );
  });
});
