import { mkdtempSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameConnection } from './frame-connection.js';
import { encodeFrames } from './frames.js';

/** A real Unix socket pair: the test writes raw bytes on one end, a FrameConnection reads the other. */
let server: Server;
const path = join(mkdtempSync(join(tmpdir(), 'frames-')), 's.sock');
const accepted: Socket[] = [];
beforeAll(() => new Promise<void>((resolve) => (server = createServer((socket) => void accepted.push(socket)).listen(path, resolve))));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function pair(): Promise<{ writer: Socket; frames: FrameConnection }> {
  const count = accepted.length;
  const writer = await new Promise<Socket>((resolve) => {
    const socket = connect(path, () => resolve(socket));
  });
  while (accepted.length === count) await new Promise((resolve) => setTimeout(resolve, 1));
  return { writer, frames: new FrameConnection(accepted.at(-1)!) };
}

describe('FrameConnection on a real socket', () => {
  it('hands out every frame in order however the bytes are cut, then says the peer closed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), async (payloads, cuts) => {
        const { writer, frames } = await pair();
        const stream = encodeFrames(payloads);
        for (let at = 0, i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          writer.write(stream.subarray(at, at + size));
          at += size;
        }
        writer.end();
        const got: string[] = [];
        for (let i = 0; i < payloads.length; i++) got.push(Buffer.from(await frames.next(5000)).toString('hex'));
        expect(got).toEqual(payloads.map((payload) => Buffer.from(payload).toString('hex')));
        await expect(frames.next(5000)).rejects.toThrow(/^closed$/);
        expect(frames.open).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it('says when the peer closed inside a frame, and when no frame came in time', async () => {
    const cut = await pair();
    cut.writer.end(Buffer.from('05000000aabb', 'hex'));
    await expect(cut.frames.next(5000)).rejects.toThrow('closed inside a frame');
    const silent = await pair();
    await expect(silent.frames.next(50)).rejects.toThrow('timeout');
    silent.writer.destroy();
  });
});
