import { EventTime } from './event-time.js';
import { MsgpackFormatError } from './msgpack-error.js';
import { ShortStringCache } from './short-string-cache.js';

/** The kind of one msgpack item as `MsgpackReader.next()` reports it. */
export type MsgpackKind = 'nil' | 'bool' | 'uint' | 'int' | 'float' | 'str' | 'bin' | 'array' | 'map' | 'ext';

/** An ext value other than an EventTime, as `read()` returns it. */
export interface MsgpackExt {
  readonly type: number;
  readonly data: Buffer;
}

export interface MsgpackReaderOptions {
  /**
   * What `read()` makes of a `str` that is not valid UTF-8: `replace` decodes it with U+FFFD
   * (as JSON does), `bytes` keeps its exact bytes as a Buffer (Lua strings are bytes: a header
   * value Kong sends may be Latin-1). Default `replace`.
   */
  readonly invalidUtf8?: 'replace' | 'bytes';
  /** Keep short ASCII strings and return the same string when their bytes come again (RPC keys, method names). */
  readonly cacheShortStrings?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A cursor over msgpack bytes that reports each item's exact wire kind (float vs int, str vs
 * bin), which printers that must match Fluent Bit's output byte for byte depend on. `next()`
 * fills the public fields and returns the kind; containers report their size and their items
 * follow. `read()` decodes a whole item into JS values.
 */
export class MsgpackReader {
  bytes!: Buffer;
  offset = 0;
  limit = 0;
  /** bool, int/uint (number, or bigint beyond 2^53), float. */
  value: boolean | number | bigint = 0;
  /** str/bin/ext payload bounds. */
  start = 0;
  end = 0;
  /** array/map item counts. */
  size = 0;
  /** ext type. */
  extType = 0;
  /** What `reset` was last given: pointing the reader at the same bytes again costs nothing. */
  private source: Uint8Array | undefined;
  /** A DataView of `bytes`, made when a multi-byte number is first read from them. */
  private dataView: DataView | undefined;
  private readonly keepInvalidUtf8: boolean;
  private readonly cache: ShortStringCache | undefined;

  constructor(bytes: Uint8Array = EMPTY, offset = 0, limit = bytes.length, options: MsgpackReaderOptions = {}) {
    this.keepInvalidUtf8 = options.invalidUtf8 === 'bytes';
    this.cache = options.cacheShortStrings ? new ShortStringCache() : undefined;
    this.reset(bytes, offset, limit);
  }

  /** Points the cursor at other bytes, keeping its options (and string cache). */
  reset(bytes: Uint8Array, offset = 0, limit = bytes.length): void {
    this.offset = offset;
    this.limit = limit;
    if (bytes === this.source) return;
    this.source = bytes;
    this.bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.dataView = undefined;
  }

  /** Most records hold no multi-byte number: the view is made for those that do. */
  private get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  get done(): boolean {
    return this.offset >= this.limit;
  }

  private need(n: number): number {
    const at = this.offset;
    if (at + n > this.limit) throw new MsgpackFormatError('MSGPACK_FORMAT', `truncated msgpack (need ${n} more bytes) at byte ${at}`, at);
    this.offset = at + n;
    return at;
  }

  private payload(size: number): void {
    this.start = this.need(size);
    this.end = this.start + size;
  }

  next(): MsgpackKind {
    const at = this.need(1);
    const b = this.bytes[at]!;
    if (b <= 0x7f) { this.value = b; return 'uint'; }
    if (b >= 0xe0) { this.value = b - 0x100; return 'int'; }
    if (b <= 0x8f) { this.size = b & 0x0f; return 'map'; }
    if (b <= 0x9f) { this.size = b & 0x0f; return 'array'; }
    if (b <= 0xbf) { this.payload(b & 0x1f); return 'str'; }
    switch (b) {
      case 0xc0: return 'nil';
      case 0xc2: this.value = false; return 'bool';
      case 0xc3: this.value = true; return 'bool';
      case 0xc4: this.payload(this.bytes[this.need(1)]!); return 'bin';
      case 0xc5: this.payload(this.view.getUint16(this.need(2))); return 'bin';
      case 0xc6: this.payload(this.view.getUint32(this.need(4))); return 'bin';
      case 0xc7: { const n = this.bytes[this.need(1)]!; this.extType = this.view.getInt8(this.need(1)); this.payload(n); return 'ext'; }
      case 0xc8: { const n = this.view.getUint16(this.need(2)); this.extType = this.view.getInt8(this.need(1)); this.payload(n); return 'ext'; }
      case 0xc9: { const n = this.view.getUint32(this.need(4)); this.extType = this.view.getInt8(this.need(1)); this.payload(n); return 'ext'; }
      case 0xca: this.value = this.view.getFloat32(this.need(4)); return 'float';
      case 0xcb: this.value = this.view.getFloat64(this.need(8)); return 'float';
      case 0xcc: this.value = this.bytes[this.need(1)]!; return 'uint';
      case 0xcd: this.value = this.view.getUint16(this.need(2)); return 'uint';
      case 0xce: this.value = this.view.getUint32(this.need(4)); return 'uint';
      case 0xcf: this.value = narrow(this.view.getBigUint64(this.need(8))); return 'uint';
      case 0xd0: this.value = this.view.getInt8(this.need(1)); return 'int';
      case 0xd1: this.value = this.view.getInt16(this.need(2)); return 'int';
      case 0xd2: this.value = this.view.getInt32(this.need(4)); return 'int';
      case 0xd3: this.value = narrow(this.view.getBigInt64(this.need(8))); return 'int';
      case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        this.extType = this.view.getInt8(this.need(1));
        this.payload(1 << (b - 0xd4));
        return 'ext';
      case 0xd9: this.payload(this.bytes[this.need(1)]!); return 'str';
      case 0xda: this.payload(this.view.getUint16(this.need(2))); return 'str';
      case 0xdb: this.payload(this.view.getUint32(this.need(4))); return 'str';
      case 0xdc: this.size = this.view.getUint16(this.need(2)); return 'array';
      case 0xdd: this.size = this.view.getUint32(this.need(4)); return 'array';
      case 0xde: this.size = this.view.getUint16(this.need(2)); return 'map';
      case 0xdf: this.size = this.view.getUint32(this.need(4)); return 'map';
      default: throw new MsgpackFormatError('MSGPACK_FORMAT', `invalid msgpack type byte 0x${b.toString(16)} at byte ${at}`, at);
    }
  }

  /** The UTF-8 text of the last str (or bin), invalid sequences as U+FFFD. */
  text(): string {
    return this.bytes.toString('utf8', this.start, this.end);
  }

  /** The payload of the last str/bin/ext (a view, not a copy). */
  payloadBytes(): Buffer {
    return this.bytes.subarray(this.start, this.end);
  }

  /** Skips one whole item, containers included. */
  skip(): void {
    let pending = 1;
    while (pending > 0) {
      pending--;
      const kind = this.next();
      if (kind === 'array') pending += this.size;
      else if (kind === 'map') pending += this.size * 2;
    }
  }

  /**
   * Decodes one item into JS values: str → string (see `invalidUtf8`), bin → Buffer (a copy),
   * ext 0 of 8 bytes → EventTime, other ext → `{ type, data }`, maps → plain objects (keys as
   * strings).
   */
  read(): unknown {
    const kind = this.next();
    switch (kind) {
      case 'nil': return null;
      case 'bool': case 'uint': case 'int': case 'float': return this.value;
      case 'str': return this.decodeString();
      case 'bin': return Buffer.from(this.payloadBytes());
      case 'ext': return this.eventTime('ext') ?? { type: this.extType, data: Buffer.from(this.payloadBytes()) };
      case 'array': {
        const items = new Array<unknown>(this.size);
        for (let i = 0; i < items.length; i++) items[i] = this.read();
        return items;
      }
      case 'map': {
        const size = this.size;
        const map: Record<string, unknown> = {};
        for (let i = 0; i < size; i++) {
          const key = this.read();
          setKey(map, typeof key === 'string' ? key : String(key), this.read());
        }
        return map;
      }
    }
  }

  /** The last str as `read()` decodes it (see `invalidUtf8` and `cacheShortStrings`). */
  string(): string | Buffer {
    return this.decodeString();
  }

  private decodeString(): string | Buffer {
    const { bytes, start, end } = this;
    const cache = this.cache;
    if (cache !== undefined && end - start <= ShortStringCache.MAX_BYTES) {
      const known = cache.lookup(bytes, start, end);
      if (known !== undefined) return known;
    }
    let ascii = true;
    let short = '';
    const inJs = end - start <= SHORT_JS_DECODE;
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) {
        ascii = false;
        break;
      }
      // Building a short string here costs less than a call into Buffer's C++ decoder.
      if (inJs) short += String.fromCharCode(byte);
    }
    if (ascii) {
      const text = inJs ? short : bytes.toString('latin1', start, end);
      if (cache !== undefined && end - start <= ShortStringCache.MAX_BYTES) cache.remember(bytes, start, end, text);
      return text;
    }
    if (!this.keepInvalidUtf8) return bytes.toString('utf8', start, end);
    try {
      return utf8.decode(bytes.subarray(start, end));
    } catch {
      return Buffer.from(bytes.subarray(start, end));
    }
  }

  /**
   * The timestamp the last item read by `next()` holds, as Fluent Bit reads one: an EventTime
   * (ext 0 of 8 bytes) or a number of seconds; undefined for anything else.
   */
  eventTime(kind: MsgpackKind): EventTime | undefined {
    if (kind === 'ext') {
      if (this.extType !== 0 || this.end - this.start !== 8) return undefined;
      return new EventTime(this.view.getUint32(this.start), this.view.getUint32(this.start + 4));
    }
    if (kind === 'uint' || kind === 'int' || kind === 'float') return EventTime.fromSeconds(Number(this.value));
    return undefined;
  }
}

const EMPTY = new Uint8Array(0);

/** ASCII strings up to this many bytes are decoded in JavaScript. */
const SHORT_JS_DECODE = 16;

/** `map[key] = value`, where a `__proto__` key becomes an own property (as JSON.parse makes it) instead of replacing the prototype. */
function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

function narrow(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}
