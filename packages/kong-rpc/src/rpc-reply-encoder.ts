/**
 * Encodes replies into one reused buffer: `[1, msgid, error, result]` where results are
 * JSON-like values plus Buffers (as `bin`). Common strings (keys, `"ret"`) are encoded once.
 * Kong decodes every msgpack type, so the smallest forms are used throughout.
 */
export class RpcReplyEncoder {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private at = 0;
  private readonly encodedStrings = new Map<string, Buffer>();

  /** The encoded message, copied out (the socket may keep it after this returns). */
  encode(value: unknown): Buffer {
    this.at = 0;
    this.value(value);
    return Buffer.from(this.buffer.subarray(0, this.at));
  }

  private ensure(extra: number): void {
    if (this.at + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.at + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, 0, this.at);
    this.buffer = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buffer[this.at++] = b;
  }

  private value(value: unknown): void {
    switch (typeof value) {
      case 'string': return this.string(value);
      case 'number': return this.number(value);
      case 'boolean': return this.byte(value ? 0xc3 : 0xc2);
      case 'bigint': return this.bigint(value);
      case 'undefined': return this.byte(0xc0);
      case 'object':
        if (value === null) return this.byte(0xc0);
        if (Array.isArray(value)) {
          this.header(value.length, 0x90, 0xdc);
          for (const item of value) this.value(item);
          return;
        }
        if (value instanceof Uint8Array) return this.bin(value);
        return this.map(value as Record<string, unknown>);
      default:
        return this.byte(0xc0);
    }
  }

  private map(map: Record<string, unknown>): void {
    let size = 0;
    for (const key in map) if (map[key] !== undefined) size++;
    this.header(size, 0x80, 0xde);
    for (const key in map) {
      const item = map[key];
      if (item === undefined) continue;
      this.string(key);
      this.value(item);
    }
  }

  private header(size: number, fix: number, wide: number): void {
    this.ensure(5);
    const b = this.buffer;
    if (size < 16) b[this.at++] = fix | size;
    else if (size < 0x10000) { b[this.at] = wide; b.writeUInt16BE(size, this.at + 1); this.at += 3; }
    else { b[this.at] = wide + 1; b.writeUInt32BE(size, this.at + 1); this.at += 5; }
  }

  private string(text: string): void {
    if (text.length <= 24) {
      let encoded = this.encodedStrings.get(text);
      if (!encoded) {
        encoded = this.encodeString(text);
        if (this.encodedStrings.size < 1024) this.encodedStrings.set(text, encoded);
      }
      this.ensure(encoded.length);
      encoded.copy(this.buffer, this.at);
      this.at += encoded.length;
      return;
    }
    const size = Buffer.byteLength(text);
    this.strHeader(size);
    this.ensure(size);
    this.buffer.write(text, this.at, size, 'utf8');
    this.at += size;
  }

  private encodeString(text: string): Buffer {
    const bytes = Buffer.from(text, 'utf8');
    const saved = { buffer: this.buffer, at: this.at };
    this.buffer = Buffer.allocUnsafe(bytes.length + 5);
    this.at = 0;
    this.strHeader(bytes.length);
    bytes.copy(this.buffer, this.at);
    const encoded = Buffer.from(this.buffer.subarray(0, this.at + bytes.length));
    this.buffer = saved.buffer;
    this.at = saved.at;
    return encoded;
  }

  private strHeader(size: number): void {
    this.ensure(5);
    const b = this.buffer;
    if (size < 32) b[this.at++] = 0xa0 | size;
    else if (size < 0x100) { b[this.at++] = 0xd9; b[this.at++] = size; }
    else if (size < 0x10000) { b[this.at] = 0xda; b.writeUInt16BE(size, this.at + 1); this.at += 3; }
    else { b[this.at] = 0xdb; b.writeUInt32BE(size, this.at + 1); this.at += 5; }
  }

  private bin(bytes: Uint8Array): void {
    this.ensure(bytes.length + 5);
    const b = this.buffer;
    const size = bytes.length;
    if (size < 0x100) { b[this.at++] = 0xc4; b[this.at++] = size; }
    else if (size < 0x10000) { b[this.at] = 0xc5; b.writeUInt16BE(size, this.at + 1); this.at += 3; }
    else { b[this.at] = 0xc6; b.writeUInt32BE(size, this.at + 1); this.at += 5; }
    b.set(bytes, this.at);
    this.at += size;
  }

  private number(value: number): void {
    this.ensure(9);
    const b = this.buffer;
    if (!Number.isSafeInteger(value)) { b[this.at] = 0xcb; b.writeDoubleBE(value, this.at + 1); this.at += 9; return; }
    if (value >= 0) {
      if (value < 0x80) b[this.at++] = value;
      else if (value < 0x100) { b[this.at++] = 0xcc; b[this.at++] = value; }
      else if (value < 0x10000) { b[this.at] = 0xcd; b.writeUInt16BE(value, this.at + 1); this.at += 3; }
      else if (value < 0x100000000) { b[this.at] = 0xce; b.writeUInt32BE(value, this.at + 1); this.at += 5; }
      else { b[this.at] = 0xcf; b.writeBigUInt64BE(BigInt(value), this.at + 1); this.at += 9; }
    } else if (value >= -32) b[this.at++] = value & 0xff;
    else if (value >= -0x80000000) { b[this.at] = 0xd2; b.writeInt32BE(value, this.at + 1); this.at += 5; }
    else { b[this.at] = 0xd3; b.writeBigInt64BE(BigInt(value), this.at + 1); this.at += 9; }
  }

  private bigint(value: bigint): void {
    this.ensure(9);
    if (value >= 0n) { this.buffer[this.at] = 0xcf; this.buffer.writeBigUInt64BE(value, this.at + 1); }
    else { this.buffer[this.at] = 0xd3; this.buffer.writeBigInt64BE(value, this.at + 1); }
    this.at += 9;
  }
}
