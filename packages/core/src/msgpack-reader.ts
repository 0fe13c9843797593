import { EventTime } from './event-time.js';

/** The kind of one msgpack item as `MsgpackReader.next()` reports it. */
export type MsgpackKind = 'nil' | 'bool' | 'uint' | 'int' | 'float' | 'str' | 'bin' | 'array' | 'map' | 'ext';

/** Thrown for bytes that are not well-formed msgpack; `offset` says where. */
export class MsgpackFormatError extends Error {
  readonly code = 'MSGPACK_FORMAT';
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'MsgpackFormatError';
  }
}

/**
 * A cursor over msgpack bytes that reports each item's exact wire kind (float vs int, str vs
 * bin), which printers that must match Fluent Bit's output byte for byte depend on.
 * `next()` fills the public fields and returns the kind; containers report their size and
 * their items follow.
 */
export class MsgpackReader {
  offset: number;
  /** bool, int/uint (number, or bigint beyond 2^53), float. */
  value: boolean | number | bigint = 0;
  /** str/bin/ext payload bounds, array/map item counts. */
  start = 0;
  end = 0;
  size = 0;
  /** ext type. */
  extType = 0;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, offset = 0, readonly limit = bytes.length) {
    this.offset = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.offset >= this.limit;
  }

  private need(n: number): number {
    const at = this.offset;
    if (at + n > this.limit) throw new MsgpackFormatError(`truncated msgpack (need ${n} more bytes)`, at);
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
    const v = this.view;
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
      case 0xc5: this.payload(v.getUint16(this.need(2))); return 'bin';
      case 0xc6: this.payload(v.getUint32(this.need(4))); return 'bin';
      case 0xc7: { const n = this.bytes[this.need(1)]!; this.extType = v.getInt8(this.need(1)); this.payload(n); return 'ext'; }
      case 0xc8: { const n = v.getUint16(this.need(2)); this.extType = v.getInt8(this.need(1)); this.payload(n); return 'ext'; }
      case 0xc9: { const n = v.getUint32(this.need(4)); this.extType = v.getInt8(this.need(1)); this.payload(n); return 'ext'; }
      case 0xca: this.value = v.getFloat32(this.need(4)); return 'float';
      case 0xcb: this.value = v.getFloat64(this.need(8)); return 'float';
      case 0xcc: this.value = this.bytes[this.need(1)]!; return 'uint';
      case 0xcd: this.value = v.getUint16(this.need(2)); return 'uint';
      case 0xce: this.value = v.getUint32(this.need(4)); return 'uint';
      case 0xcf: this.value = narrow(v.getBigUint64(this.need(8))); return 'uint';
      case 0xd0: this.value = v.getInt8(this.need(1)); return 'int';
      case 0xd1: this.value = v.getInt16(this.need(2)); return 'int';
      case 0xd2: this.value = v.getInt32(this.need(4)); return 'int';
      case 0xd3: this.value = narrow(v.getBigInt64(this.need(8))); return 'int';
      case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        this.extType = v.getInt8(this.need(1));
        this.payload(1 << (b - 0xd4));
        return 'ext';
      case 0xd9: this.payload(this.bytes[this.need(1)]!); return 'str';
      case 0xda: this.payload(v.getUint16(this.need(2))); return 'str';
      case 0xdb: this.payload(v.getUint32(this.need(4))); return 'str';
      case 0xdc: this.size = v.getUint16(this.need(2)); return 'array';
      case 0xdd: this.size = v.getUint32(this.need(4)); return 'array';
      case 0xde: this.size = v.getUint16(this.need(2)); return 'map';
      case 0xdf: this.size = v.getUint32(this.need(4)); return 'map';
      default: throw new MsgpackFormatError(`invalid msgpack type byte 0x${b.toString(16)}`, at);
    }
  }

  /** The UTF-8 text of the last str (or bin). */
  text(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.start, this.end - this.start).toString('utf8');
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
   * Decodes one item into JS values: str → string, bin → Uint8Array, ext 0 → EventTime, other
   * ext → `{ type, data }`, maps → plain objects (keys as strings).
   */
  read(): unknown {
    const kind = this.next();
    switch (kind) {
      case 'nil': return null;
      case 'bool': case 'uint': case 'int': case 'float': return this.value;
      case 'str': return this.text();
      case 'bin': return new Uint8Array(this.bytes.subarray(this.start, this.end));
      case 'ext': return this.readExt();
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
          map[typeof key === 'string' ? key : String(key)] = this.read();
        }
        return map;
      }
    }
  }

  private readExt(): EventTime | { type: number; data: Uint8Array } {
    return this.eventTime('ext') ?? { type: this.extType, data: new Uint8Array(this.bytes.subarray(this.start, this.end)) };
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

function narrow(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}
