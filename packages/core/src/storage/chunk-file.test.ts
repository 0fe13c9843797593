import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MsgpackWriter } from '@tributary/msgpack';
import { writeEvent } from '../event-codec.js';
import { chunkFileHeader, FRAME_HEADER_BYTES, readChunkFile, writeFrameHeader } from './chunk-file.js';

/** A chunk file as the store writes it: the header, then one frame per batch of records. */
function chunkFile(tag: string, batches: ReadonlyArray<ReadonlyArray<Record<string, string>>>, checksum: boolean): { file: Buffer; frames: Buffer[] } {
  const frames: Buffer[] = [];
  const parts = [chunkFileHeader(tag, checksum)];
  for (const batch of batches) {
    const writer = new MsgpackWriter(64);
    for (const [i, body] of batch.entries()) writeEvent(writer, 'v2', 1_700_000_000 + i, 0, body);
    const records = Buffer.from(writer.bytes());
    const header = Buffer.alloc(FRAME_HEADER_BYTES);
    writeFrameHeader(header, records, 0, records.length, checksum);
    frames.push(records);
    parts.push(header, records);
  }
  return { file: Buffer.concat(parts), frames };
}

const batches = fc.array(fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }), { minLength: 1, maxLength: 3 }), { maxLength: 5 });

describe('chunk files', () => {
  it('read back the tag and every record written', () => {
    fc.assert(
      fc.property(fc.string(), batches, fc.boolean(), (tag, written, checksum) => {
        const { file, frames } = chunkFile(tag, written, checksum);
        const read = readChunkFile(file);
        expect(read).toMatchObject({ ok: true, tag, count: written.flat().length, tornBytes: 0 });
        expect(read.ok && Buffer.from(read.records)).toEqual(Buffer.concat(frames));
      }),
    );
  });

  it('cut anywhere after the header (a crash mid-write), keep the whole frames before the cut and drop the torn one', () => {
    fc.assert(
      fc.property(batches, fc.nat(), fc.boolean(), (written, cutAt, checksum) => {
        const { file, frames } = chunkFile('app.log', written, checksum);
        const headerBytes = chunkFileHeader('app.log', checksum).length;
        const cut = headerBytes + (cutAt % (file.length - headerBytes + 1));
        const read = readChunkFile(file.subarray(0, cut));
        expect(read.ok).toBe(true);
        if (!read.ok) return;
        // Exactly the frames that end before the cut survive.
        let end = headerBytes;
        const whole: Buffer[] = [];
        for (const frame of frames) {
          if (end + FRAME_HEADER_BYTES + frame.length > cut) break;
          end += FRAME_HEADER_BYTES + frame.length;
          whole.push(frame);
        }
        expect(Buffer.from(read.records)).toEqual(Buffer.concat(whole));
        expect(read.tornBytes).toBe(cut - end);
      }),
    );
  });

  it('with checksums, a changed byte of any record makes the file irrecoverable instead of delivering wrong data', () => {
    fc.assert(
      fc.property(batches.filter((b) => b.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), (written, at, flip) => {
        const { file, frames } = chunkFile('t', written, true);
        // Offsets of record bytes (not frame headers) in the file.
        const offsets: number[] = [];
        let pos = chunkFileHeader('t', true).length;
        for (const frame of frames) {
          pos += FRAME_HEADER_BYTES;
          for (let i = 0; i < frame.length; i++) offsets.push(pos + i);
          pos += frame.length;
        }
        const damaged = Buffer.from(file);
        damaged[offsets[at % offsets.length]!]! ^= flip;
        expect(readChunkFile(damaged)).toMatchObject({ ok: false, problem: expect.stringMatching(/^checksum mismatch in the frame at byte \d+$/) });
      }),
    );
  });

  it('refuse what is not a chunk file, naming why', () => {
    expect(readChunkFile(Buffer.from('hello world, not a chunk'))).toEqual({ ok: false, problem: 'not a Tributary chunk file (bad magic)' });
    const { file } = chunkFile('t', [[{ a: 'b' }]], false);
    const garbage = Buffer.concat([chunkFileHeader('t', false), Buffer.from([0, 0, 0, 2, 0, 0, 0, 0, 0xc1, 0xc1])]);
    expect(readChunkFile(garbage)).toMatchObject({ ok: false, problem: expect.stringContaining('not Fluent Bit events') });
    expect(readChunkFile(file)).toMatchObject({ ok: true, count: 1 });
  });
});
