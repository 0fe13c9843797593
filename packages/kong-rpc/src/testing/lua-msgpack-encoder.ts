import { MsgpackWriter } from '@tributary/msgpack';

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
  const writer = new MsgpackWriter(256, { str8: false });
  write(writer, value);
  return Buffer.from(writer.bytes());
}

function write(writer: MsgpackWriter, value: unknown): void {
  if (value === null || value === undefined) return writer.writeNil();
  if (typeof value === 'boolean') return writer.writeBool(value);
  if (typeof value === 'number') return Number.isInteger(value) ? writer.writeInteger(value) : writer.writeFloat64(value);
  if (typeof value === 'bigint') return writer.writeBigInt(value);
  if (typeof value === 'string') return writer.writeString(value);
  if (value instanceof LuaString) return writer.writeStringBytes(value.bytes);
  if (value instanceof Uint8Array) return writer.writeBin(value);
  if (Array.isArray(value)) {
    writer.writeArrayHeader(value.length);
    for (const item of value) write(writer, item);
    return;
  }
  const forcedMap = value instanceof LuaMap;
  const entries = Object.entries(forcedMap ? value.entries : (value as Record<string, unknown>)).filter(([, item]) => item !== undefined);
  if (entries.length === 0 && !forcedMap) return writer.writeArrayHeader(0);
  writer.writeMapHeader(entries.length);
  for (const [key, item] of entries) {
    writer.writeString(key);
    write(writer, item);
  }
}
