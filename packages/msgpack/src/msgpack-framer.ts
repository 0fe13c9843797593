import { MsgpackFormatError } from './msgpack-error.js';

/**
 * Receives one complete message: `bytes[start, end)`. The view is valid only during the call
 * (the framer reuses its buffer); decode or copy what must outlive it.
 */
export type MessageHandler = (bytes: Buffer, start: number, end: number) => void;

export interface MsgpackFramerOptions {
  /** A message that grows past this many bytes is refused (default 256 MiB). */
  readonly maxMessageBytes?: number;
}

/**
 * Header bytes (type byte included) for type bytes 0xc0..0xdf; 0 marks 0xc1, which msgpack
 * never uses.
 */
const HEADER_SIZE: readonly number[] = [
  /* c0 nil */ 1, 0, /* c2 c3 bool */ 1, 1, /* c4 bin */ 2, 3, 5, /* c7 ext */ 3, 4, 6,
  /* ca float */ 5, 9, /* cc uint */ 2, 3, 5, 9, /* d0 int */ 2, 3, 5, 9,
  /* d4 fixext */ 3, 4, 6, 10, 18, /* d9 str */ 2, 3, 5, /* dc array */ 3, 5, /* de map */ 3, 5,
];

/**
 * Splits an unprefixed msgpack stream (Kong's MessagePack-RPC, Fluentd's Forward protocol) into
 * messages. One read may hold several messages and one message may span many reads. Messages
 * are measured, not decoded, and the measuring resumes where the last read stopped, so the work
 * is linear in the bytes received however a message is split. A read that completes messages
 * is scanned in place; only an unfinished tail is copied, into a buffer that grows by doubling.
 */
export class MsgpackFramer {
  private buffer = Buffer.alloc(0);
  /** Bytes of `buffer` that hold the unfinished message. */
  private pending = 0;
  /** Where measuring resumes, relative to the unfinished message's first byte. */
  private scanAt = 0;
  /** Items the unfinished message still needs before it is complete (0: between messages). */
  private remaining = 0;
  private readonly maxMessageBytes: number;

  constructor(options: MsgpackFramerOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? 256 * 1024 * 1024;
  }

  /** Bytes held for a message that is not complete yet. */
  get buffered(): number {
    return this.pending;
  }

  /**
   * Takes the next bytes of the stream and calls `onMessage` for every message they complete,
   * in order. Throws a MsgpackFormatError for a byte that cannot start a msgpack item or a
   * message over the size limit; the stream cannot be resynchronised after that.
   */
  push(chunk: Uint8Array, onMessage: MessageHandler): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pending === 0) {
      const rest = this.scan(bytes, 0, bytes.length, onMessage);
      if (rest < bytes.length) this.keep(bytes, rest, bytes.length);
      return;
    }
    this.append(bytes);
    const rest = this.scan(this.buffer, 0, this.pending, onMessage);
    if (rest > 0) {
      this.buffer.copyWithin(0, rest, this.pending);
      this.pending -= rest;
    }
  }

  /** Drops any unfinished message. */
  reset(): void {
    this.pending = 0;
    this.scanAt = 0;
    this.remaining = 0;
  }

  /** Copies `bytes[from, to)`, the start of an unfinished message, into the own buffer. */
  private keep(bytes: Buffer, from: number, to: number): void {
    this.pending = 0;
    this.append(bytes.subarray(from, to));
  }

  private append(bytes: Buffer): void {
    const needed = this.pending + bytes.length;
    if (needed > this.buffer.length) {
      let size = Math.max(4096, this.buffer.length * 2);
      while (size < needed) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buffer.copy(next, 0, 0, this.pending);
      this.buffer = next;
    }
    bytes.copy(this.buffer, this.pending);
    this.pending = needed;
  }

  /**
   * Measures and delivers the messages of `bytes[from, limit)`; `from` is where the unfinished
   * message (if any) starts, and the saved state says how far it was measured. Returns where the
   * bytes not delivered start, saving the state for the next read.
   */
  private scan(bytes: Buffer, from: number, limit: number, onMessage: MessageHandler): number {
    let start = from;
    let at = from + this.scanAt;
    let remaining = this.remaining;
    const max = this.maxMessageBytes;
    for (;;) {
      if (remaining === 0) {
        start = at;
        if (at >= limit) break;
        remaining = 1;
      }
      while (remaining > 0) {
        if (at >= limit) return this.suspend(start, at, remaining, limit);
        const b = bytes[at]!;
        let size: number;
        let children = 0;
        if (b <= 0x7f || b >= 0xe0) size = 1;
        else if (b <= 0x8f) { size = 1; children = (b & 0x0f) * 2; }
        else if (b <= 0x9f) { size = 1; children = b & 0x0f; }
        else if (b <= 0xbf) size = 1 + (b & 0x1f);
        else {
          const header = HEADER_SIZE[b - 0xc0]!;
          if (header === 0) this.invalid(b, at - start);
          if (at + header > limit) return this.suspend(start, at, remaining, limit);
          size = header;
          switch (b) {
            case 0xc4: case 0xd9: size += bytes[at + 1]!; break;
            case 0xc5: case 0xda: size += bytes.readUInt16BE(at + 1); break;
            case 0xc6: case 0xdb: size += bytes.readUInt32BE(at + 1); break;
            case 0xc7: size += bytes[at + 1]!; break;
            case 0xc8: size += bytes.readUInt16BE(at + 1); break;
            case 0xc9: size += bytes.readUInt32BE(at + 1); break;
            case 0xdc: children = bytes.readUInt16BE(at + 1); break;
            case 0xdd: children = bytes.readUInt32BE(at + 1); break;
            case 0xde: children = bytes.readUInt16BE(at + 1) * 2; break;
            case 0xdf: children = bytes.readUInt32BE(at + 1) * 2; break;
          }
        }
        // Every item takes at least a byte: a count or payload that cannot fit the limit never will.
        if (at + size - start > max || remaining + children > max) this.tooLarge();
        if (at + size > limit) return this.suspend(start, at, remaining, limit);
        at += size;
        remaining += children - 1;
      }
      onMessage(bytes, start, at);
    }
    this.scanAt = 0;
    this.remaining = 0;
    return start;
  }

  private suspend(start: number, at: number, remaining: number, limit: number): number {
    if (limit - start > this.maxMessageBytes) this.tooLarge();
    this.scanAt = at - start;
    this.remaining = remaining;
    return start;
  }

  private invalid(byte: number, offset: number): never {
    this.reset();
    throw new MsgpackFormatError('MSGPACK_FORMAT', `invalid msgpack type byte 0x${byte.toString(16)}`, offset);
  }

  private tooLarge(): never {
    this.reset();
    throw new MsgpackFormatError('MSGPACK_TOO_LARGE', `a msgpack message is larger than ${this.maxMessageBytes} bytes`, 0);
  }
}
