/**
 * A Lua table Kong forces to a msgpack map even when empty (`fix_mmap`); any other empty
 * table is an empty *array* on the wire, as lua-MessagePack packs it.
 */
export class LuaMap {
  constructor(readonly entries: Record<string, unknown>) {}
}

/** Bytes Kong holds as a Lua string and sends as msgpack `str`, whatever they are (Latin-1, binary). */
export class LuaString {
  constructor(readonly bytes: Buffer) {}
}

/**
 * Encodes values the way Kong's lua-MessagePack 0.5 does with its defaults
 * (`string_compat`, `unsigned` integers, `double`, arrays without holes): strings as
 * fixstr/str16/str32 (never str8), integers in the smallest (unsigned first) form, other
 * numbers as float64, empty tables as `[]`, Buffers as `bin` (Kong 3.x raw bodies), and
 * `undefined` map fields left out (a nil field does not exist in a Lua table).
 */
export function encodeLikeKong(value: unknown): Buffer {
  const out: Buffer[] = [];
  write(value, out);
  return Buffer.concat(out);
}

function header(size: number, widths: { b16: number; b32: number }, out: Buffer[]): void {
  if (size < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = widths.b16;
    b.writeUInt16BE(size, 1);
    out.push(b);
  } else {
    const b = Buffer.alloc(5);
    b[0] = widths.b32;
    b.writeUInt32BE(size, 1);
    out.push(b);
  }
}

function write(value: unknown, out: Buffer[]): void {
  if (value === null || value === undefined) return void out.push(Buffer.of(0xc0));
  if (value === true) return void out.push(Buffer.of(0xc3));
  if (value === false) return void out.push(Buffer.of(0xc2));
  if (typeof value === 'number') return writeNumber(value, out);
  if (typeof value === 'bigint') {
    const b = Buffer.alloc(9);
    b[0] = value >= 0n ? 0xcf : 0xd3;
    if (value >= 0n) b.writeBigUInt64BE(value, 1);
    else b.writeBigInt64BE(value, 1);
    return void out.push(b);
  }
  if (typeof value === 'string') return writeBytes(Buffer.from(value, 'utf8'), out);
  if (value instanceof LuaString) return writeBytes(value.bytes, out);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    if (bytes.length < 0x100) out.push(Buffer.of(0xc4, bytes.length));
    else header(bytes.length, { b16: 0xc5, b32: 0xc6 }, out);
    return void out.push(bytes);
  }
  if (Array.isArray(value)) {
    if (value.length < 16) out.push(Buffer.of(0x90 | value.length));
    else header(value.length, { b16: 0xdc, b32: 0xdd }, out);
    for (const item of value) write(item, out);
    return;
  }
  const forcedMap = value instanceof LuaMap;
  const entries = Object.entries(forcedMap ? (value as LuaMap).entries : (value as Record<string, unknown>)).filter(([, v]) => v !== undefined);
  if (entries.length === 0 && !forcedMap) return void out.push(Buffer.of(0x90));
  if (entries.length < 16) out.push(Buffer.of(0x80 | entries.length));
  else header(entries.length, { b16: 0xde, b32: 0xdf }, out);
  for (const [key, item] of entries) {
    write(key, out);
    write(item, out);
  }
}

/** A Lua string: fixstr, then str16/str32 — lua-MessagePack's `string_compat` has no str8. */
function writeBytes(bytes: Buffer, out: Buffer[]): void {
  if (bytes.length < 32) out.push(Buffer.of(0xa0 | bytes.length));
  else header(bytes.length, { b16: 0xda, b32: 0xdb }, out);
  out.push(bytes);
}

function writeNumber(value: number, out: Buffer[]): void {
  if (!Number.isInteger(value)) {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(value, 1);
    return void out.push(b);
  }
  if (value >= 0) {
    if (value < 0x80) return void out.push(Buffer.of(value));
    if (value < 0x100) return void out.push(Buffer.of(0xcc, value));
    if (value < 0x10000) { const b = Buffer.alloc(3); b[0] = 0xcd; b.writeUInt16BE(value, 1); return void out.push(b); }
    if (value < 0x100000000) { const b = Buffer.alloc(5); b[0] = 0xce; b.writeUInt32BE(value, 1); return void out.push(b); }
    const b = Buffer.alloc(9); b[0] = 0xcf; b.writeBigUInt64BE(BigInt(value), 1); return void out.push(b);
  }
  if (value >= -32) return void out.push(Buffer.of(value & 0xff));
  if (value >= -128) { const b = Buffer.alloc(2); b[0] = 0xd0; b.writeInt8(value, 1); return void out.push(b); }
  if (value >= -32768) { const b = Buffer.alloc(3); b[0] = 0xd1; b.writeInt16BE(value, 1); return void out.push(b); }
  if (value >= -2147483648) { const b = Buffer.alloc(5); b[0] = 0xd2; b.writeInt32BE(value, 1); return void out.push(b); }
  const b = Buffer.alloc(9); b[0] = 0xd3; b.writeBigInt64BE(BigInt(value), 1); out.push(b);
}
