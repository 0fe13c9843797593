import { KongRpcProtocolError } from './protocol-error.js';

/** Frames past this are a protocol error (Kong and go-pdk set no limit; a reader must). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

const EMPTY = new Uint8Array(0);

/** One ProtoBuf:1 frame: the payload's length as a little-endian uint32, then the payload (none for an empty frame). */
export function encodeFrame(payload: Uint8Array): Buffer {
  return encodeFrames([payload]);
}

/** Frames back to back in one buffer, for one write. */
export function encodeFrames(payloads: readonly Uint8Array[]): Buffer {
  let size = 0;
  for (const payload of payloads) size += 4 + payload.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const payload of payloads) {
    out.writeUInt32LE(payload.length, at);
    out.set(payload, at + 4);
    at += 4 + payload.length;
  }
  return out;
}

/**
 * The frames of a ProtoBuf:1 stream, from chunks cut anywhere (Kong sends the length and the
 * payload in two writes). A length past `maxBytes` is a protocol error: the connection cannot
 * be read on.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes = MAX_FRAME_BYTES) {}

  /** The frames `chunk` completes, in order; what is left waits for the next chunk. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.pending, chunk]);
    const frames: Uint8Array[] = [];
    let at = 0;
    while (this.pending.length - at >= 4) {
      const length = this.pending.readUInt32LE(at);
      if (length > this.maxBytes) throw new KongRpcProtocolError(`a frame of ${length} bytes is announced, more than the ${this.maxBytes} allowed`);
      if (this.pending.length - at - 4 < length) break;
      // Copied: the frame outlives the buffer the next chunk replaces.
      frames.push(length === 0 ? EMPTY : Uint8Array.prototype.slice.call(this.pending, at + 4, at + 4 + length));
      at += 4 + length;
    }
    this.pending = at === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(at);
    return frames;
  }

  /** Bytes of a frame begun but not complete. */
  get buffered(): number {
    return this.pending.length;
  }
}
