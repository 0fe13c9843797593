import type { MsgpackReader } from '@tributary/msgpack';
import { jsonNumber, jsonString, msgpackToJson } from './fluent-bit-json.js';

/**
 * Fluent Bit's JSON (`flb_msgpack_to_json`, as `msgpackToJson` writes it) straight into bytes:
 * a string that needs no escape is copied as it came, numbers are written as digits, and no
 * string is made per value. The output is ASCII: everything else is escaped as `\uXXXX`.
 */
export class JsonBytes {
  private buffer: Buffer;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, capacity));
  }

  /** What was written: a view of the writer's buffer until it is written to again. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(code: number): void {
    this.ensure(1);
    this.buffer[this.length++] = code;
  }

  /** Text of ASCII characters only (what the JSON helpers return). */
  ascii(text: string): void {
    this.ensure(text.length);
    const out = this.buffer;
    let at = this.length;
    for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Raw bytes, e.g. a key written once as JSON. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A safe integer (or a bigint) in decimal. */
  integer(value: number | bigint): void {
    if (typeof value === 'bigint' || !Number.isSafeInteger(value)) return this.ascii(String(value));
    this.ensure(17);
    const out = this.buffer;
    if (value < 0) {
      out[this.length++] = 0x2d;
      value = -value;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    do {
      out[--at] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    } while (value > 0);
  }

  /** The UTF-8 bytes `source[start..end)` as a JSON string (invalid sequences as U+FFFD). */
  string(source: Buffer, start: number, end: number): void {
    this.ensure(end - start + 2);
    const out = this.buffer;
    let at = this.length;
    out[at++] = 0x22;
    for (let i = start; i < end; i++) {
      const byte = source[i]!;
      // Anything but printable ASCII other than `"` and `\` is escaped: the text is decoded for that.
      if (byte < 0x20 || byte > 0x7e || byte === 0x22 || byte === 0x5c) return this.ascii(jsonString(source.toString('utf8', start, end)));
      out[at++] = byte;
    }
    out[at++] = 0x22;
    this.length = at;
  }

  /** The next item of `reader`, containers included. */
  item(reader: MsgpackReader): void {
    const kind = reader.next();
    switch (kind) {
      case 'nil': return this.ascii('null');
      case 'bool': return this.ascii(reader.value ? 'true' : 'false');
      case 'uint': case 'int': return this.integer(reader.value as number | bigint);
      case 'float': return this.ascii(jsonNumber(reader.value as number));
      case 'str': case 'bin': case 'ext': return this.string(reader.bytes, reader.start, reader.end);
      case 'array': {
        this.byte(0x5b);
        for (let i = 0, size = reader.size; i < size; i++) {
          if (i > 0) this.byte(0x2c);
          this.item(reader);
        }
        return this.byte(0x5d);
      }
      case 'map': {
        this.byte(0x7b);
        this.pairs(reader, reader.size);
        return this.byte(0x7d);
      }
    }
  }

  /** The `size` key-value pairs of a map the reader just entered, without its braces. */
  pairs(reader: MsgpackReader, size: number): void {
    for (let i = 0; i < size; i++) {
      if (i > 0) this.byte(0x2c);
      this.key(reader);
      this.byte(0x3a);
      this.item(reader);
    }
  }

  /** A map key: a str as a string, any other item as the JSON string of its JSON text (`1` → `"1"`). */
  private key(reader: MsgpackReader): void {
    const first = reader.bytes[reader.offset]!;
    if ((first >= 0xa0 && first <= 0xbf) || (first >= 0xd9 && first <= 0xdb)) return this.item(reader);
    const text = msgpackToJson(reader);
    this.ascii(text.startsWith('"') ? text : jsonString(text));
  }
}
