import { EventTime } from './event-time.js';
import { Float64 } from './float64.js';

/** A value the writer can encode: JSON-like data plus bytes, bigint, EventTime and Float64. */
export type MsgpackValue =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | EventTime
  | Float64
  | readonly MsgpackValue[]
  | { readonly [key: string]: MsgpackValue };

export interface MsgpackWriterOptions {
  /**
   * Whether strings of 32–255 bytes may use `str8` (default true). lua-MessagePack's
   * `string_compat` mode, which Kong uses, never writes it; its emulation turns this off.
   */
  readonly str8?: boolean;
}

/** Strings up to this many UTF-16 units are encoded in JavaScript when they are ASCII. */
const SHORT_JS_ENCODE = 64;

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Bytes reserved for a container header whose count is patched in later (`beginContainer`). */
const RESERVED_HEADER = 5;

/**
 * Encodes msgpack straight into one growing buffer, in the smallest form of each value. It is
 * the hot path of every input and every RPC reply: a record is written in place with no
 * intermediate objects, and the bytes are handed on (to a Go plugin, a socket) without a copy.
 */
export class MsgpackWriter {
  private buf: Buffer;
  private view: DataView;
  private readonly str8: boolean;
  /** Bytes written so far; setting it lower rolls back what came after. */
  length = 0;

  constructor(initialSize = 64 * 1024, options: MsgpackWriterOptions = {}) {
    this.buf = Buffer.allocUnsafe(initialSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.str8 = options.str8 ?? true;
  }

  /** The bytes written so far (a view, not a copy: it changes with the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Forgets what was written, keeping the allocation. */
  reset(): void {
    this.length = 0;
  }

  /** Makes room for `extra` more bytes, doubling the buffer as often as needed. */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buf.length) return;
    let size = Math.max(64, this.buf.length * 2);
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** Bytes that are already msgpack (a pre-encoded key, a record body encoded once). */
  /** `bytes[start..end)`, already msgpack (a value a filter left untouched): short ranges are copied here, which costs less than `set`. */
  writeRawRange(bytes: Uint8Array, start: number, end: number): void {
    const size = end - start;
    this.ensure(size);
    const buf = this.buf;
    const at = this.length;
    if (size <= 64) for (let i = 0; i < size; i++) buf[at + i] = bytes[start + i]!;
    else buf.set(bytes.subarray(start, end), at);
    this.length = at + size;
  }

  writeRaw(bytes: Uint8Array): void {
    this.writeRawRange(bytes, 0, bytes.length);
  }

  writeNil(): void {
    this.ensure(1);
    this.buf[this.length++] = 0xc0;
  }

  writeBool(value: boolean): void {
    this.ensure(1);
    this.buf[this.length++] = value ? 0xc3 : 0xc2;
  }

  writeArrayHeader(size: number): void {
    this.ensure(5);
    this.length = this.containerHeaderAt(this.length, size, 0x90, 0xdc);
  }

  writeMapHeader(size: number): void {
    this.ensure(5);
    this.length = this.containerHeaderAt(this.length, size, 0x80, 0xde);
  }

  /** Writes a container header at `o` and returns the offset after it. */
  private containerHeaderAt(o: number, size: number, fix: number, wide16: number): number {
    const b = this.buf;
    if (size < 16) {
      b[o] = fix | size;
      return o + 1;
    }
    if (size < 0x10000) {
      b[o] = wide16;
      this.view.setUint16(o + 1, size);
      return o + 3;
    }
    b[o] = wide16 + 1;
    this.view.setUint32(o + 1, size);
    return o + 5;
  }

  /**
   * Starts a map or array whose item count is not known yet: returns a mark to pass to
   * `endMap`/`endArray` once the items are written. The count is patched in then, in its
   * smallest form, so nested containers need no scratch writer.
   */
  beginContainer(): number {
    this.ensure(RESERVED_HEADER);
    const mark = this.length;
    this.length += RESERVED_HEADER;
    return mark;
  }

  endMap(mark: number, size: number): void {
    this.endContainer(mark, size, 0x80, 0xde);
  }

  endArray(mark: number, size: number): void {
    this.endContainer(mark, size, 0x90, 0xdc);
  }

  private endContainer(mark: number, size: number, fix: number, wide16: number): void {
    const itemsAt = mark + RESERVED_HEADER;
    const headerEnd = this.containerHeaderAt(mark, size, fix, wide16);
    if (headerEnd < itemsAt) {
      // A smaller header than reserved: move the items down over the gap.
      this.buf.copyWithin(headerEnd, itemsAt, this.length);
      this.length -= itemsAt - headerEnd;
    }
  }

  /** A number: integers in the smallest msgpack int form, others as float64. */
  writeNumber(value: number): void {
    if (Number.isSafeInteger(value)) this.writeInteger(value);
    else this.writeFloat64(value);
  }

  /** A safe integer in its smallest form (unsigned forms for non-negative values). */
  writeInteger(value: number): void {
    this.ensure(9);
    const b = this.buf;
    let o = this.length;
    if (value >= 0) {
      if (value < 128) b[o++] = value;
      else if (value < 0x100) { b[o++] = 0xcc; b[o++] = value; }
      else if (value < 0x10000) { b[o] = 0xcd; this.view.setUint16(o + 1, value); o += 3; }
      else if (value < 0x100000000) { b[o] = 0xce; this.view.setUint32(o + 1, value); o += 5; }
      else { b[o] = 0xcf; this.view.setBigUint64(o + 1, BigInt(value)); o += 9; }
    } else {
      if (value >= -32) b[o++] = value & 0xff;
      else if (value >= -128) { b[o] = 0xd0; this.view.setInt8(o + 1, value); o += 2; }
      else if (value >= -32768) { b[o] = 0xd1; this.view.setInt16(o + 1, value); o += 3; }
      else if (value >= -2147483648) { b[o] = 0xd2; this.view.setInt32(o + 1, value); o += 5; }
      else { b[o] = 0xd3; this.view.setBigInt64(o + 1, BigInt(value)); o += 9; }
    }
    this.length = o;
  }

  /** A 64-bit integer: uint64 when ≥ 0, int64 otherwise (outside that range: a TypeError). */
  writeBigInt(value: bigint): void {
    if (value < -(2n ** 63n) || value >= 2n ** 64n) throw new TypeError(`cannot encode ${value} as a 64-bit msgpack integer`);
    this.ensure(9);
    if (value >= 0n) {
      this.buf[this.length] = 0xcf;
      this.view.setBigUint64(this.length + 1, value);
    } else {
      this.buf[this.length] = 0xd3;
      this.view.setBigInt64(this.length + 1, value);
    }
    this.length += 9;
  }

  writeFloat64(value: number): void {
    this.ensure(9);
    this.buf[this.length] = 0xcb;
    this.view.setFloat64(this.length + 1, value);
    this.length += 9;
  }

  writeString(value: string): void {
    // Short ASCII (most keys and many values) is copied here, which costs less than a call
    // into Buffer's C++ encoder.
    if (value.length <= SHORT_JS_ENCODE && isAscii(value)) {
      this.ensure(value.length + 5);
      this.writeStringHeader(value.length);
      const buf = this.buf;
      const at = this.length;
      for (let i = 0; i < value.length; i++) buf[at + i] = value.charCodeAt(i);
      this.length = at + value.length;
      return;
    }
    // Other short strings (at most 31 UTF-8 bytes for 10 UTF-16 units) are written first and
    // their fixstr header patched, which saves measuring them.
    if (value.length <= 10) {
      this.ensure(31);
      const start = this.length;
      const written = this.buf.write(value, start + 1, 'utf8');
      this.buf[start] = 0xa0 | written;
      this.length = start + 1 + written;
      return;
    }
    const size = Buffer.byteLength(value, 'utf8');
    this.ensure(size + 5);
    this.writeStringHeader(size);
    this.buf.write(value, this.length, size, 'utf8');
    this.length += size;
  }

  /** A `str` holding exactly these bytes, UTF-8 or not (Lua strings are bytes). */
  writeStringBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length + 5);
    this.writeStringHeader(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A str header for `size` bytes. */
  writeStringHeader(size: number): void {
    this.ensure(5);
    const o = this.length;
    if (size < 32) { this.buf[o] = 0xa0 | size; this.length += 1; }
    else if (size < 0x100 && this.str8) { this.buf[o] = 0xd9; this.buf[o + 1] = size; this.length += 2; }
    else if (size < 0x10000) { this.buf[o] = 0xda; this.view.setUint16(o + 1, size); this.length += 3; }
    else { this.buf[o] = 0xdb; this.view.setUint32(o + 1, size); this.length += 5; }
  }

  writeBin(value: Uint8Array): void {
    this.ensure(value.length + 5);
    const o = this.length;
    const size = value.length;
    if (size < 0x100) { this.buf[o] = 0xc4; this.buf[o + 1] = size; this.length += 2; }
    else if (size < 0x10000) { this.buf[o] = 0xc5; this.view.setUint16(o + 1, size); this.length += 3; }
    else { this.buf[o] = 0xc6; this.view.setUint32(o + 1, size); this.length += 5; }
    this.buf.set(value, this.length);
    this.length += size;
  }

  /** An ext value of `type` with `data`, in the fixext form when the size allows. */
  writeExt(type: number, data: Uint8Array): void {
    const size = data.length;
    this.ensure(size + 6);
    const b = this.buf;
    let o = this.length;
    const fixed = size === 1 ? 0xd4 : size === 2 ? 0xd5 : size === 4 ? 0xd6 : size === 8 ? 0xd7 : size === 16 ? 0xd8 : 0;
    if (fixed !== 0) b[o++] = fixed;
    else if (size < 0x100) { b[o] = 0xc7; b[o + 1] = size; o += 2; }
    else if (size < 0x10000) { b[o] = 0xc8; this.view.setUint16(o + 1, size); o += 3; }
    else { b[o] = 0xc9; this.view.setUint32(o + 1, size); o += 5; }
    this.view.setInt8(o++, type);
    b.set(data, o);
    this.length = o + size;
  }

  /** EventTime as fixext8 of type 0: `d7 00 <sec u32 BE> <nsec u32 BE>`. */
  writeEventTime(sec: number, nsec: number): void {
    this.ensure(10);
    const o = this.length;
    this.buf[o] = 0xd7;
    this.buf[o + 1] = 0x00;
    this.view.setUint32(o + 2, sec >>> 0);
    this.view.setUint32(o + 6, nsec >>> 0);
    this.length += 10;
  }

  /** Any supported value, recursively. Plain objects become maps in key order. */
  writeValue(value: MsgpackValue): void {
    switch (typeof value) {
      case 'string': return this.writeString(value);
      case 'number': return this.writeNumber(value);
      case 'boolean': return this.writeBool(value);
      case 'bigint': return this.writeBigInt(value);
      case 'undefined': return this.writeNil();
      case 'object':
        if (value === null) return this.writeNil();
        if (Array.isArray(value)) {
          this.writeArrayHeader(value.length);
          for (const item of value) this.writeValue(item);
          return;
        }
        if (value instanceof Uint8Array) return this.writeBin(value);
        if (value instanceof EventTime) return this.writeEventTime(value.sec, value.nsec);
        if (value instanceof Float64) return this.writeFloat64(value.value);
        return this.writeMap(value as { readonly [key: string]: MsgpackValue });
      default:
        throw new TypeError(`cannot encode a ${typeof value} as msgpack`);
    }
  }

  /** A plain object as a map; keys whose value is `undefined` are left out, as JSON does. */
  writeMap(map: { readonly [key: string]: MsgpackValue }): void {
    // Counting first is cheaper than patching: a for-in over a record's keys costs less than
    // moving the record's bytes.
    let size = 0;
    for (const key in map) if (map[key] !== undefined) size++;
    this.writeMapHeader(size);
    for (const key in map) {
      const item = map[key];
      if (item === undefined) continue;
      this.writeString(key);
      this.writeValue(item);
    }
  }
}

/** The msgpack `str` of `text`, encoded once: a key written with `writeRaw` on a hot path. */
export function encodeString(text: string): Uint8Array {
  const writer = new MsgpackWriter(Buffer.byteLength(text) + 5);
  writer.writeString(text);
  return Buffer.from(writer.bytes());
}
