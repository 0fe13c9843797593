import { MsgpackReader, ShortStringCache, skipItem, strBounds, type MsgpackValue, type MsgpackWriter } from '@tributary/msgpack';

/** One key and its value: the value's msgpack bytes as they came (`source[start..end)`) until it is set. */
interface Entry {
  key: string;
  source: Uint8Array | undefined;
  /** The key's msgpack bytes in `source` (`keyStart` −1 once renamed or for an assigned entry): written back as they are. */
  keyStart: number;
  /** The decoded or assigned value; meaningful once `raw` is false or `decoded` is true. */
  value: unknown;
  /** Whether the value is still the bytes `start`..`end` of the source (written back as they are). */
  raw: boolean;
  decoded: boolean;
  start: number;
  end: number;
}

const valueReader = new MsgpackReader(undefined, 0, 0, { invalidUtf8: 'bytes' });

/**
 * A record body (or metadata) map as filters work on it, as Fluent Bit's filters work on
 * msgpack: an ordered list of entries whose values stay msgpack bytes until one is read or set,
 * so what a filter does not touch is written back byte for byte (an integral float stays a
 * float, bytes stay bytes, duplicate keys stay). Keys are strings; lookups take the last entry
 * of a key, as `flb_ra_get_kv_pair` does. Values read with `get` are decoded copies: change a
 * value by `set`ting it. A map decoded from bytes refers to them: use it during the call only
 * (`toObject()` keeps a copy).
 */
export class RecordMap {
  private parsed: Entry[] | undefined;

  private constructor(
    entries: Entry[] | undefined,
    /** The map's msgpack bytes, parsed when first needed (a filter that only reads one key, or none, parses little). */
    private readonly bytes?: Uint8Array,
  ) {
    this.parsed = entries;
  }

  /** The map that `bytes` hold (exactly one msgpack map), read only once a method needs it. */
  static of(bytes: Uint8Array): RecordMap {
    return new RecordMap(undefined, bytes);
  }

  /** The map at `reader`'s position, which moves past it. */
  static read(reader: MsgpackReader): RecordMap {
    const start = reader.offset;
    reader.skip();
    return RecordMap.of(reader.bytes.subarray(start, reader.offset));
  }

  private get entries(): Entry[] {
    return (this.parsed ??= parseEntries(this.bytes!));
  }

  private set entries(entries: Entry[]) {
    this.parsed = entries;
  }

  /** A map of these keys and values, in their order. */
  static from(object: { readonly [key: string]: unknown }): RecordMap {
    return new RecordMap(
      Object.keys(object).map((key) => assigned(key, object[key])),
    );
  }

  get size(): number {
    return this.entries.length;
  }

  /** The keys in order (duplicates included). */
  keys(): string[] {
    return this.entries.map((entry) => entry.key);
  }

  keyAt(index: number): string {
    return this.entries[index]!.key;
  }

  has(key: string): boolean {
    if (this.parsed === undefined && this.bytes !== undefined) return findValue(this.bytes, key) !== undefined;
    return this.indexOf(key) >= 0;
  }

  /** How many entries have this key. */
  count(key: string): number {
    let n = 0;
    for (const entry of this.entries) if (entry.key === key) n++;
    return n;
  }

  /** The index of the last entry of `key`, or −1. */
  indexOf(key: string): number {
    const entries = this.entries;
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.key === key) return i;
    return -1;
  }

  /** The value of `key` (its last entry), decoded; undefined when absent. */
  get(key: string): unknown {
    if (this.parsed === undefined && this.bytes !== undefined) {
      const at = findValue(this.bytes, key);
      if (at === undefined) return undefined;
      valueReader.reset(this.bytes, at);
      return valueReader.read();
    }
    const index = this.indexOf(key);
    return index < 0 ? undefined : this.valueAt(index);
  }

  valueAt(index: number): unknown {
    const entry = this.entries[index]!;
    if (entry.raw && !entry.decoded) {
      valueReader.reset(entry.source!, entry.start, entry.end);
      entry.value = valueReader.read();
      entry.decoded = true;
    }
    return entry.value;
  }

  /**
   * The text of a string value (undefined for any other type), as Fluent Bit's regex matching
   * reads one; bytes that are not UTF-8 come as latin1 text.
   */
  text(key: string): string | undefined {
    if (this.parsed === undefined && this.bytes !== undefined) {
      const at = findValue(this.bytes, key);
      if (at === undefined) return undefined;
      valueReader.reset(this.bytes, at);
      return valueReader.next() === 'str' ? latin1IfBytes(valueReader.string()) : undefined;
    }
    const index = this.indexOf(key);
    return index < 0 ? undefined : this.textAt(index);
  }

  textAt(index: number): string | undefined {
    const entry = this.entries[index]!;
    // A string value is there once decoded or set (an undecoded raw entry holds undefined).
    if (typeof entry.value === 'string') return entry.value;
    if (!entry.raw) return undefined;
    valueReader.reset(entry.source!, entry.start, entry.end);
    if (valueReader.next() !== 'str') return undefined;
    const text = valueReader.string();
    if (typeof text !== 'string') return latin1IfBytes(text);
    entry.value = text;
    entry.decoded = true;
    return text;
  }

  /** Removes every entry of `key` and appends `key: value` (Fluent Bit's Set). */
  set(key: string, value: MsgpackValue | RecordMap): void {
    this.delete(key);
    this.append(key, value);
  }

  /** Appends `key: value`, even when `key` is there already (Fluent Bit's record_modifier Record). */
  append(key: string, value: MsgpackValue | RecordMap): void {
    this.entries.push(assigned(key, value));
  }

  /** Inserts `key: value` before the entry at `index` (at the end for `size`). */
  insertAt(index: number, key: string, value: MsgpackValue | RecordMap): void {
    this.entries.splice(index, 0, assigned(key, value));
  }

  /** A copy of the entry at `index` under another key, inserted at `at`: the value's bytes are shared. */
  copyEntry(index: number, key: string, at: number): void {
    this.entries.splice(at, 0, { ...this.entries[index]!, key, keyStart: -1 });
  }

  renameAt(index: number, key: string): void {
    const entry = this.entries[index]!;
    entry.key = key;
    entry.keyStart = -1;
  }

  /** Removes every entry of `key`; returns how many there were. */
  delete(key: string): number {
    return this.deleteWhere((k) => k === key);
  }

  /** Removes every entry whose key passes; returns how many. */
  deleteWhere(test: (key: string) => boolean): number {
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => !test(entry.key));
    return before - this.entries.length;
  }

  /** Takes out the entries whose key passes, in order, as a map of their own (Fluent Bit's nest). */
  take(test: (key: string) => boolean): RecordMap {
    const taken: Entry[] = [];
    const kept: Entry[] = [];
    for (const entry of this.entries) (test(entry.key) ? taken : kept).push(entry);
    this.entries = kept;
    return new RecordMap(taken);
  }

  /** Moves the entries whose key passes to the start or the end, keeping their order. */
  move(test: (key: string) => boolean, to: 'start' | 'end'): void {
    const moved = this.entries.filter((entry) => test(entry.key));
    const rest = this.entries.filter((entry) => !test(entry.key));
    this.entries = to === 'start' ? [...moved, ...rest] : [...rest, ...moved];
  }

  /** Appends every entry of `other` (values and their bytes shared), each key through `rename`. */
  appendAll(other: RecordMap, rename: (key: string) => string = (key) => key): void {
    for (const entry of other.entries) {
      const key = rename(entry.key);
      this.entries.push(key === entry.key ? { ...entry } : { ...entry, key, keyStart: -1 });
    }
  }

  /** The value at `index` as a RecordMap when it is a map, else undefined (Fluent Bit's lift). */
  mapAt(index: number): RecordMap | undefined {
    const entry = this.entries[index]!;
    if (entry.value instanceof RecordMap) return entry.value;
    if (!entry.raw) return undefined;
    valueReader.reset(entry.source!, entry.start, entry.end);
    const kind = valueReader.next();
    if (kind !== 'map') return undefined;
    valueReader.offset = entry.start;
    return RecordMap.read(valueReader);
  }

  /** A plain object of the entries (the last of duplicate keys wins), nested maps too. */
  toObject(): Record<string, unknown> {
    if (this.parsed === undefined && this.bytes !== undefined) {
      const object = objectOf(this.bytes);
      if (object !== undefined) return object;
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < this.entries.length; i++) {
      const value = this.valueAt(i);
      setOwn(out, this.entries[i]!.key, value instanceof RecordMap ? value.toObject() : value);
    }
    return out;
  }

  /** Writes the map: untouched values as their original bytes, others encoded. */
  writeTo(writer: MsgpackWriter): void {
    if (this.parsed === undefined && this.bytes !== undefined) return writer.writeRaw(this.bytes);
    const entries = this.entries;
    writer.writeMapHeader(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.keyStart >= 0 && entry.raw) {
        // A run of untouched entries that lie back to back in one source is one copy.
        let end = entry.end;
        while (i + 1 < entries.length) {
          const next = entries[i + 1]!;
          if (next.keyStart !== end || !next.raw || next.source !== entry.source) break;
          end = next.end;
          i++;
        }
        writer.writeRawRange(entry.source!, entry.keyStart, end);
        continue;
      }
      if (entry.keyStart >= 0) writer.writeRawRange(entry.source!, entry.keyStart, entry.start);
      else writer.writeString(entry.key);
      if (entry.raw) writer.writeRawRange(entry.source!, entry.start, entry.end);
      else if (typeof entry.value === 'string') writer.writeString(entry.value);
      else if (entry.value instanceof RecordMap) entry.value.writeTo(writer);
      else writer.writeValue(entry.value as MsgpackValue);
    }
  }
}

function assigned(key: string, value: unknown): Entry {
  return { key, source: undefined, keyStart: -1, value, raw: false, decoded: true, start: 0, end: 0 };
}

function latin1IfBytes(text: string | Buffer): string {
  return typeof text === 'string' ? text : text.toString('latin1');
}

/** The UTF-8 bytes of keys looked up without parsing a map, by key. */
const keyBytes = new Map<string, Buffer>();

/**
 * Where the value of the last `key` entry of the map `bytes` hold starts, found by comparing
 * key bytes and skipping values — what Fluent Bit's record accessor does — without decoding
 * or allocating anything; undefined when there is none.
 */
function findValue(bytes: Uint8Array, key: string): number | undefined {
  let wanted = keyBytes.get(key);
  if (wanted === undefined) {
    if (keyBytes.size >= 1000) keyBytes.clear();
    keyBytes.set(key, (wanted = Buffer.from(key, 'utf8')));
  }
  const header = bytes[0]!;
  let count: number;
  let pos: number;
  if (header >= 0x80 && header <= 0x8f) [count, pos] = [header & 0x0f, 1];
  else if (header === 0xde) [count, pos] = [(bytes[1]! << 8) | bytes[2]!, 3];
  else if (header === 0xdf) [count, pos] = [((bytes[1]! << 24) >>> 0) + ((bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!), 5];
  else return undefined;
  const key_ = bounds;
  let found: number | undefined;
  for (; count > 0; count--) {
    if (strBounds(bytes, pos, key_) && key_.end - key_.start === wanted.length) {
      let same = true;
      for (let j = 0, k = key_.start; j < wanted.length; j++, k++) {
        if (bytes[k] !== wanted[j]) {
          same = false;
          break;
        }
      }
      pos = key_.end;
      if (same) found = pos;
    } else pos = skipItem(bytes, pos);
    pos = skipItem(bytes, pos);
  }
  return found;
}

const bounds = { start: 0, end: 0 };

const mapReader = new MsgpackReader(undefined, 0, 0, { invalidUtf8: 'bytes', cacheShortStrings: true });

/** The entries of the map `bytes` hold; non-string keys become their text, as the stdout output prints them. */
function parseEntries(bytes: Uint8Array): Entry[] {
  const reader = mapReader;
  reader.reset(bytes);
  if (reader.next() !== 'map') throw new TypeError('not a msgpack map');
  const size = reader.size;
  let pos = reader.offset;
  const entries: Entry[] = new Array(size);
  for (let i = 0; i < size; i++) {
    const keyStart = pos;
    let key: string;
    if (strBounds(bytes, pos, bounds)) {
      key = keyText(bytes, bounds.start, bounds.end);
      pos = bounds.end;
    } else {
      // A key that is not a str (rare): its text, as the stdout output prints it.
      reader.reset(bytes, pos);
      const kind = reader.next();
      key = kind === 'array' || kind === 'map' ? `<${kind}>` : kind === 'bin' ? reader.payloadBytes().toString('latin1') : String(reader.value);
      pos = skipItem(bytes, pos);
    }
    const end = skipItem(bytes, pos);
    entries[i] = { key, source: bytes, keyStart, value: undefined, raw: true, decoded: false, start: pos, end };
    pos = end;
  }
  return entries;
}

/**
 * The object of the map `bytes` hold, decoded in one pass with no entries made (a js filter's
 * record): what `toObject()` gives, values decoded as `get` decodes them. Undefined when a key
 * is not a str, which the entries spell as the stdout output prints it.
 */
function objectOf(bytes: Uint8Array): Record<string, unknown> | undefined {
  const reader = mapReader;
  reader.reset(bytes);
  if (reader.next() !== 'map') throw new TypeError('not a msgpack map');
  const out: Record<string, unknown> = {};
  for (let i = reader.size; i > 0; i--) {
    if (!strBounds(bytes, reader.offset, bounds)) return undefined;
    const key = keyText(bytes, bounds.start, bounds.end);
    reader.offset = bounds.end;
    setOwn(out, key, reader.read());
  }
  return out;
}

/** Keys repeat from record to record: the same string serves each time its bytes come again. */
const keyCache = new ShortStringCache();

/** A key's text: short ASCII from the cache or decoded here (most keys), the rest as UTF-8. */
function keyText(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= ShortStringCache.MAX_BYTES) {
    const known = keyCache.lookup(bytes, start, end);
    if (known !== undefined) return known;
    let text = '';
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
      text += String.fromCharCode(byte);
    }
    keyCache.remember(bytes, start, end, text);
    return text;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}


function setOwn(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
