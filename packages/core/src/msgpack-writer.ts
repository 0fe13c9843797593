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

const INITIAL_SIZE = 64 * 1024;

/**
 * Encodes msgpack straight into one growing buffer. It is the hot path of every input: a
 * record is written in place with no intermediate objects, and the bytes are handed to
 * outputs (Go plugins included) without another copy.
 */
export class MsgpackWriter {
  private buf: Buffer;
  private view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(initialSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Forgets what was written, keeping the allocation. */
  reset(): void {
    this.length = 0;
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
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
    this.writeContainerHeader(size, 0x90, 0xdc);
  }

  writeMapHeader(size: number): void {
    this.writeContainerHeader(size, 0x80, 0xde);
  }

  private writeContainerHeader(size: number, fix: number, wide16: number): void {
    this.ensure(5);
    if (size < 16) {
      this.buf[this.length++] = fix | size;
    } else if (size < 0x10000) {
      this.buf[this.length] = wide16;
      this.view.setUint16(this.length + 1, size);
      this.length += 3;
    } else {
      this.buf[this.length] = wide16 + 1;
      this.view.setUint32(this.length + 1, size);
      this.length += 5;
    }
  }

  /** A number: integers in the smallest msgpack int form, others as float64. */
  writeNumber(value: number): void {
    if (Number.isSafeInteger(value)) this.writeInteger(value);
    else this.writeFloat64(value);
  }

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

  writeBigInt(value: bigint): void {
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
    // Short strings (at most 31 UTF-8 bytes for 10 UTF-16 units) are written first and their
    // fixstr header patched, which saves measuring them: most record keys are short.
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

  /** A str header for `size` bytes of UTF-8 (or raw bytes Kong sends as strings). */
  writeStringHeader(size: number): void {
    this.ensure(5);
    const o = this.length;
    if (size < 32) { this.buf[o] = 0xa0 | size; this.length += 1; }
    else if (size < 0x100) { this.buf[o] = 0xd9; this.buf[o + 1] = size; this.length += 2; }
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
