import fc from 'fast-check';
import { splitStream } from '@tributary/msgpack/testing';
import { describe, expect, it } from 'vitest';
import { encodeHostFrame, HostFrameReader, type HostFrame } from './host-frame.js';

const header = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()), { maxKeys: 4 });
const frame = fc.record({ header, payload: fc.uint8Array({ maxLength: 300 }) });

function read(chunks: readonly Uint8Array[], reader = new HostFrameReader()): Array<{ header: unknown; payload: string }> {
  const out: Array<{ header: unknown; payload: string }> = [];
  const keep = (f: HostFrame) => out.push({ header: f.header, payload: Buffer.from(f.payload).toString('hex') });
  for (const chunk of chunks) reader.push(chunk, keep);
  return out;
}

describe('host frames', () => {
  it('give back every frame, whatever the split of the stream', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const stream = Buffer.concat(frames.flatMap((f) => encodeHostFrame(f.header, f.payload)));
        const expected = frames.map((f) => ({ header: JSON.parse(JSON.stringify(f.header)), payload: Buffer.from(f.payload).toString('hex') }));
        expect(read(splitStream(stream, cuts))).toEqual(expected);
      }),
    );
  });

  it('refuse garbage with a protocol error, never another exception or a hang', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          read([bytes], new HostFrameReader(1024));
        } catch (error) {
          expect((error as { code?: string }).code).toBe('GO_HOST_PROTOCOL');
        }
      }),
    );
  });

  it('grows past its first buffer for a 3 MB chunk', () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    const [head, body] = encodeHostFrame({ op: 'flush', seq: 1 }, payload);
    const chunks = [head, body.subarray(0, 100_000), body.subarray(100_000)];
    expect(read(chunks).map((f) => [f.header, f.payload.length / 2])).toEqual([[{ op: 'flush', seq: 1 }, payload.length]]);
  });
});
