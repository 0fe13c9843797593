import { readFileSync, unlinkSync } from 'node:fs';
import { forEachRawEvent } from '../event-codec.js';
import { crc32 } from './crc32.js';

/**
 * The on-disk form of one chunk (docs/storage.md): a header — the 8 bytes `TRBCHNK1`, a flags
 * byte (bit 0: frames carry a CRC-32), the tag's length (u16, big-endian) and the tag in UTF-8 —
 * then one frame per write (what one turn appended): the records' byte length (u32), their CRC-32 or 0 (u32), and the
 * records, in Fluent Bit's event format. A frame is written whole before the records it holds
 * count as accepted; a crash can only tear the last one, which reading drops. Beside it,
 * `<file>.done` names the outputs done with the chunk while others still owe it.
 */
export const CHUNK_MAGIC = Buffer.from('TRBCHNK1', 'latin1');
const FLAG_CHECKSUM = 1;
export const FRAME_HEADER_BYTES = 8;

/** The header of a chunk file for `tag`. */
export function chunkFileHeader(tag: string, checksum: boolean): Buffer {
  const tagBytes = Buffer.from(tag, 'utf8');
  if (tagBytes.length > 0xffff) throw new RangeError(`a tag of ${tagBytes.length} bytes cannot be stored (at most 65535)`);
  const header = Buffer.alloc(CHUNK_MAGIC.length + 3 + tagBytes.length);
  CHUNK_MAGIC.copy(header, 0);
  header[8] = checksum ? FLAG_CHECKSUM : 0;
  header.writeUInt16BE(tagBytes.length, 9);
  tagBytes.copy(header, 11);
  return header;
}

/** Writes the frame header of `bytes[start..end)` into `into` (8 bytes). */
export function writeFrameHeader(into: Buffer, bytes: Uint8Array, start: number, end: number, checksum: boolean): void {
  into.writeUInt32BE(end - start, 0);
  into.writeUInt32BE(checksum ? crc32(bytes, start, end) : 0, 4);
}

/** What reading a chunk file found. */
export type ChunkFileContents =
  | { readonly ok: true; readonly tag: string; readonly records: Uint8Array; readonly count: number; readonly tornBytes: number }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads a chunk file: its tag and records, a torn last frame dropped (`tornBytes`). A file that
 * is not a chunk file, a frame whose CRC-32 does not match, or records that are not events make
 * it unreadable (`ok: false`, with the problem and the byte where it is).
 */
export function readChunkFile(file: Uint8Array): ChunkFileContents {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (bytes.length < 11 || !bytes.subarray(0, 8).equals(CHUNK_MAGIC)) return { ok: false, problem: 'not a Tributary chunk file (bad magic)' };
  const checksum = (bytes[8]! & FLAG_CHECKSUM) !== 0;
  const tagLength = bytes.readUInt16BE(9);
  let at = 11 + tagLength;
  if (at > bytes.length) return { ok: false, problem: 'the header is cut short' };
  const tag = bytes.toString('utf8', 11, at);
  const frames: Buffer[] = [];
  while (at < bytes.length) {
    if (at + FRAME_HEADER_BYTES > bytes.length) break;
    const size = bytes.readUInt32BE(at);
    const start = at + FRAME_HEADER_BYTES;
    if (start + size > bytes.length) break;
    if (checksum && bytes.readUInt32BE(at + 4) !== crc32(bytes, start, start + size)) return { ok: false, problem: `checksum mismatch in the frame at byte ${at}` };
    frames.push(bytes.subarray(start, start + size));
    at = start + size;
  }
  const records = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
  let count: number;
  try {
    count = forEachRawEvent(records, () => {});
  } catch (error) {
    return { ok: false, problem: `its records are not Fluent Bit events: ${(error as Error).message}` };
  }
  return { ok: true, tag, records, count, tornBytes: bytes.length - at };
}

/** The side file listing the outputs done with a chunk that others still owe, one name per line. */
export function doneFile(path: string): string {
  return `${path}.done`;
}

/** The outputs that were done with the chunk in `path` (none when it has no side file). */
export function doneOutputs(path: string): Set<string> {
  try {
    return new Set(readFileSync(doneFile(path), 'utf8').split('\n').filter((line) => line.length > 0));
  } catch {
    return new Set();
  }
}

/** Deletes a chunk file and its side file. */
export function removeChunkFile(path: string): void {
  for (const file of [path, doneFile(path)]) {
    try {
      unlinkSync(file);
    } catch {
      // never written, or gone already
    }
  }
}
