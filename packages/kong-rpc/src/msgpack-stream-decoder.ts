/** Thrown for bytes that cannot be msgpack; the connection that sent them is closed. */
export class MsgpackDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MsgpackDecodeError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const INCOMPLETE = -1;

/**
 * Turns a byte stream into msgpack objects. Kong writes objects back to back with no length
 * prefix, so one read may hold several objects and one object may span many reads; each
 * `push` returns the objects completed so far. An object is measured before it is decoded,
 * so a large one split over many reads is decoded once, not once per read.
 *
 * Decoding follows what Kong sends: `str` becomes a string when it is valid UTF-8 and a
 * Buffer of its exact bytes otherwise (Lua strings are bytes: a header value may be Latin-1);
 * `bin` (raw bodies in Kong 3.x) becomes a Buffer; maps become plain objects.
 */
export class MsgpackStreamDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private view = new DataView(this.pending.buffer);

  push(chunk: Buffer): unknown[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.view = new DataView(this.pending.buffer, this.pending.byteOffset, this.pending.byteLength);
    const messages: unknown[] = [];
    let offset = 0;
    while (offset < this.pending.length) {
      const end = this.measure(offset);
      if (end === INCOMPLETE) break;
      this.at = offset;
      messages.push(this.value());
      offset = end;
    }
    this.pending = offset === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(offset);
    return messages;
  }

  /** Bytes held waiting for the rest of an object. */
  get buffered(): number {
    return this.pending.length;
  }

  /** The end offset of the object starting at `start`, or INCOMPLETE. */
  private measure(start: number): number {
    const bytes = this.pending;
    const length = bytes.length;
    let at = start;
    let remaining = 1;
    while (remaining > 0) {
      if (at >= length) return INCOMPLETE;
      const b = bytes[at]!;
      remaining--;
      let skip: number;
      if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) skip = 1;
      else if (b <= 0x8f) { skip = 1; remaining += (b & 0x0f) * 2; }
      else if (b <= 0x9f) { skip = 1; remaining += b & 0x0f; }
      else if (b <= 0xbf) skip = 1 + (b & 0x1f);
      else {
        const header = HEADER_SIZE[b - 0xc0]!;
        if (header < 0) throw new MsgpackDecodeError(`invalid msgpack type byte 0x${b.toString(16)}`);
        if (at + header > length) return INCOMPLETE;
        skip = header + this.payloadSize(b, at);
        if (b === 0xdc || b === 0xdd) { remaining += this.payloadCount(b, at); skip = header; }
        else if (b === 0xde || b === 0xdf) { remaining += this.payloadCount(b, at) * 2; skip = header; }
      }
      at += skip;
    }
    return at <= length ? at : INCOMPLETE;
  }

  private payloadSize(b: number, at: number): number {
    const v = this.view;
    switch (b) {
      case 0xc4: case 0xd9: return v.getUint8(at + 1);
      case 0xc5: case 0xda: return v.getUint16(at + 1);
      case 0xc6: case 0xdb: return v.getUint32(at + 1);
      case 0xc7: return v.getUint8(at + 1);
      case 0xc8: return v.getUint16(at + 1);
      case 0xc9: return v.getUint32(at + 1);
      default: return 0;
    }
  }

  private payloadCount(b: number, at: number): number {
    return b === 0xdc || b === 0xde ? this.view.getUint16(at + 1) : this.view.getUint32(at + 1);
  }

  private at = 0;
  /** Kong repeats the same keys and method names in every message: decode each once. */
  private readonly shortStrings = new ShortStringCache();

  private value(): unknown {
    const bytes = this.pending;
    const v = this.view;
    const b = bytes[this.at++]!;
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b <= 0x8f) return this.map(b & 0x0f);
    if (b <= 0x9f) return this.array(b & 0x0f);
    if (b <= 0xbf) return this.str(b & 0x1f);
    const at = this.at;
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: this.at += 1; return this.bin(v.getUint8(at));
      case 0xc5: this.at += 2; return this.bin(v.getUint16(at));
      case 0xc6: this.at += 4; return this.bin(v.getUint32(at));
      case 0xc7: this.at += 2; return this.ext(v.getUint8(at), v.getInt8(at + 1));
      case 0xc8: this.at += 3; return this.ext(v.getUint16(at), v.getInt8(at + 2));
      case 0xc9: this.at += 5; return this.ext(v.getUint32(at), v.getInt8(at + 4));
      case 0xca: this.at += 4; return v.getFloat32(at);
      case 0xcb: this.at += 8; return v.getFloat64(at);
      case 0xcc: this.at += 1; return v.getUint8(at);
      case 0xcd: this.at += 2; return v.getUint16(at);
      case 0xce: this.at += 4; return v.getUint32(at);
      case 0xcf: this.at += 8; return safe(v.getBigUint64(at));
      case 0xd0: this.at += 1; return v.getInt8(at);
      case 0xd1: this.at += 2; return v.getInt16(at);
      case 0xd2: this.at += 4; return v.getInt32(at);
      case 0xd3: this.at += 8; return safe(v.getBigInt64(at));
      case 0xd4: this.at += 1; return this.ext(1, v.getInt8(at));
      case 0xd5: this.at += 1; return this.ext(2, v.getInt8(at));
      case 0xd6: this.at += 1; return this.ext(4, v.getInt8(at));
      case 0xd7: this.at += 1; return this.ext(8, v.getInt8(at));
      case 0xd8: this.at += 1; return this.ext(16, v.getInt8(at));
      case 0xd9: this.at += 1; return this.str(v.getUint8(at));
      case 0xda: this.at += 2; return this.str(v.getUint16(at));
      case 0xdb: this.at += 4; return this.str(v.getUint32(at));
      case 0xdc: this.at += 2; return this.array(v.getUint16(at));
      case 0xdd: this.at += 4; return this.array(v.getUint32(at));
      case 0xde: this.at += 2; return this.map(v.getUint16(at));
      case 0xdf: this.at += 4; return this.map(v.getUint32(at));
      default: throw new MsgpackDecodeError(`invalid msgpack type byte 0x${b.toString(16)}`);
    }
  }

  private str(size: number): string | Buffer {
    const start = this.at;
    this.at += size;
    const bytes = this.pending;
    if (size <= SHORT_STRING) {
      const known = this.shortStrings.lookup(bytes, start, size);
      if (known !== undefined) return known;
    }
    let ascii = true;
    for (let i = start; i < start + size; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const text = bytes.toString('latin1', start, start + size);
      if (size <= SHORT_STRING) this.shortStrings.remember(bytes, start, size, text);
      return text;
    }
    try {
      return utf8.decode(bytes.subarray(start, start + size));
    } catch {
      return Buffer.from(bytes.subarray(start, start + size));
    }
  }

  private bin(size: number): Buffer {
    const start = this.at;
    this.at += size;
    return Buffer.from(this.pending.subarray(start, start + size));
  }

  private ext(size: number, type: number): { type: number; data: Buffer } {
    return { type, data: this.bin(size) };
  }

  private array(size: number): unknown[] {
    const items = new Array<unknown>(size);
    for (let i = 0; i < size; i++) items[i] = this.value();
    return items;
  }

  private map(size: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let i = 0; i < size; i++) {
      const key = this.value();
      map[typeof key === 'string' ? key : String(key)] = this.value();
    }
    return map;
  }
}

/** Header bytes after the type byte for 0xc0..0xdf; -1 is never used by msgpack. */
const HEADER_SIZE: readonly number[] = [
  /* c0 */ 1, -1, 1, 1, /* c4 bin */ 2, 3, 5, /* c7 ext */ 3, 4, 6,
  /* ca float */ 5, 9, /* cc uint */ 2, 3, 5, 9, /* d0 int */ 2, 3, 5, 9,
  /* d4 fixext */ 3, 4, 6, 10, 18, /* d9 str */ 2, 3, 5, /* dc array */ 3, 5, /* de map */ 3, 5,
];

function safe(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Strings up to this many bytes are looked up in the cache. */
const SHORT_STRING = 24;
const CACHE_SLOTS = 256;

/**
 * A small direct-mapped cache of short ASCII strings by their bytes: the keys (`EventId`,
 * `Data`, `Method` ...) and method names of Kong's messages come back on every RPC, and
 * returning the same string avoids decoding and allocating it again.
 */
class ShortStringCache {
  private readonly keys: Array<Buffer | undefined> = new Array(CACHE_SLOTS);
  private readonly values: Array<string | undefined> = new Array(CACHE_SLOTS);

  private slot(bytes: Buffer, start: number, size: number): number {
    let hash = size;
    for (let i = start; i < start + size; i++) hash = (hash * 31 + bytes[i]!) | 0;
    return hash & (CACHE_SLOTS - 1);
  }

  lookup(bytes: Buffer, start: number, size: number): string | undefined {
    const slot = this.slot(bytes, start, size);
    const key = this.keys[slot];
    if (key === undefined || key.length !== size) return undefined;
    for (let i = 0; i < size; i++) if (key[i] !== bytes[start + i]) return undefined;
    return this.values[slot];
  }

  remember(bytes: Buffer, start: number, size: number, text: string): void {
    const slot = this.slot(bytes, start, size);
    this.keys[slot] = Buffer.from(bytes.subarray(start, start + size));
    this.values[slot] = text;
  }
}
