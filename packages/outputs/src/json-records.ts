import { parseBoolean } from '@tributary/base';
import { CoreError } from '@tributary/core';
import { EventTime, MsgpackReader, type MutableTime } from '@tributary/msgpack';
import { jsonNumber, jsonString } from './fluent-bit-json.js';
import { JsonBytes } from './json-bytes.js';

/** Fluent Bit's JSON shapes of a chunk (`flb_pack_msgpack_to_json_format`). */
export type JsonFormat = 'json' | 'json_lines' | 'json_stream';

/** `json_date_format` values. */
export const JSON_DATE_FORMATS = ['double', 'epoch', 'epoch_ms', 'epoch_millis', 'epoch_milliseconds', 'iso8601', 'java_sql_timestamp'] as const;
export type JsonDateFormat = (typeof JSON_DATE_FORMATS)[number];

/**
 * A chunk's records as Fluent Bit's outputs write JSON: each record a map of the date under
 * `dateKey` (none when undefined), `__internal__.log_metadata` when the record has metadata, then
 * the body's pairs in order (a body that is not a map under `log`); `json` is one array of them,
 * `json_lines` one per line, `json_stream` them back to back. The bytes are ASCII, written in
 * one pass over the chunk with no string made per record.
 */
export function jsonRecords(data: Uint8Array, format: JsonFormat, dateKey: string | undefined, dateFormat: JsonDateFormat): Buffer {
  const reader = new MsgpackReader(data);
  // JSON of a typical record is 1.2–1.6× its msgpack, plus the date: one growth at most.
  const out = new JsonBytes(data.length * 2);
  const key = dateKey === undefined ? undefined : Buffer.from(`${jsonString(dateKey)}:`, 'latin1');
  const time = { sec: 0, nsec: 0 };
  for (let n = 0; !reader.done; n++) {
    if (format === 'json') out.byte(n === 0 ? 0x5b : 0x2c);
    reader.next(); // [header, body]
    out.byte(0x7b);
    const metadata = readTime(reader, time);
    let fields = 0;
    if (key !== undefined) {
      out.raw(key);
      out.ascii(formatDate(time, dateFormat));
      fields++;
    }
    // `__internal__` only for metadata that is not an empty map.
    if (metadata > 0 && isEmptyMap(data, reader.offset)) reader.skip();
    else if (metadata > 0) {
      if (fields++ > 0) out.byte(0x2c);
      out.raw(METADATA_KEY);
      out.item(reader);
      out.byte(0x7d);
    }
    for (let i = 2; i < metadata; i++) reader.skip();
    if (isMap(data[reader.offset])) {
      reader.next();
      if (reader.size > 0 && fields > 0) out.byte(0x2c);
      out.pairs(reader, reader.size);
    } else {
      if (fields > 0) out.byte(0x2c);
      out.raw(LOG_KEY);
      out.item(reader);
    }
    out.byte(0x7d);
    if (format === 'json_lines') out.byte(0x0a);
  }
  if (format === 'json' && out.length > 0) out.byte(0x5d);
  return out.bytes();
}

const METADATA_KEY = Buffer.from('"__internal__":{"log_metadata":', 'latin1');
const LOG_KEY = Buffer.from('"log":', 'latin1');

/**
 * Reads the event header the reader is in (after its `[header, body]` array) into `time`: a v2
 * `[time, meta, ...]` or a legacy bare time; a time that is neither EventTime nor a number reads
 * as 0, as Fluent Bit's decoder leaves it. Returns the header's item count when it holds
 * metadata (the reader is then at the metadata), else 0.
 */
function readTime(reader: MsgpackReader, time: MutableTime): number {
  let kind = reader.next();
  let items = 0;
  if (kind === 'array') {
    items = reader.size;
    if (items === 0) {
      time.sec = time.nsec = 0;
      return 0;
    }
    kind = reader.next();
  }
  if (kind === 'ext' && reader.extType === 0 && reader.end - reader.start === 8) {
    const bytes = reader.bytes;
    time.sec = bytes.readUInt32BE(reader.start);
    time.nsec = bytes.readUInt32BE(reader.start + 4);
  } else {
    const other = reader.eventTime(kind) ?? ZERO;
    time.sec = other.sec;
    time.nsec = other.nsec;
  }
  return items > 1 ? items : 0;
}

const ZERO = new EventTime(0, 0);

function isMap(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x80 && byte <= 0x8f) || byte === 0xde || byte === 0xdf);
}

function isEmptyMap(bytes: Uint8Array, at: number): boolean {
  const byte = bytes[at];
  if (byte === 0x80) return true;
  if (byte === 0xde) return bytes[at + 1] === 0 && bytes[at + 2] === 0;
  return byte === 0xdf && bytes[at + 1] === 0 && bytes[at + 2] === 0 && bytes[at + 3] === 0 && bytes[at + 4] === 0;
}

function formatDate(time: MutableTime, format: JsonDateFormat): string {
  switch (format) {
    case 'epoch': return String(time.sec);
    case 'epoch_ms': case 'epoch_millis': case 'epoch_milliseconds': return String(time.sec * 1000 + Math.floor(time.nsec / 1e6));
    case 'iso8601': return `"${isoSeconds(time)}.${micros(time)}Z"`;
    case 'java_sql_timestamp': return `"${isoSeconds(time).replace('T', ' ')}.${micros(time)}"`;
    default: return jsonNumber(time.sec + time.nsec / 1e9);
  }
}

const micros = (time: MutableTime) => String(Math.floor(time.nsec / 1000)).padStart(6, '0');

function isoSeconds(time: MutableTime): string {
  return new Date(time.sec * 1000).toISOString().slice(0, 19);
}

/** The config map entries of an output that writes JSON records. */
export const JSON_DATE_CONFIG = {
  json_date_key: { type: 'string', default: 'date', description: 'the key of the time in JSON formats; false for none' },
  json_date_format: { type: 'string', default: 'double', description: `${JSON_DATE_FORMATS.join(', ')}` },
} as const;

/** `json_date_key` and `json_date_format` checked: the key (undefined when turned off with a false value) and the format. */
export function jsonDateSettings(instance: string, config: { json_date_key: string; json_date_format: string }): { dateKey: string | undefined; dateFormat: JsonDateFormat } {
  const dateFormat = config.json_date_format.toLowerCase() as JsonDateFormat;
  if (!JSON_DATE_FORMATS.includes(dateFormat)) {
    throw new CoreError('INVALID_PROPERTY', `${instance}: unknown json_date_format '${config.json_date_format}'. Use one of: ${JSON_DATE_FORMATS.join(', ')}.`);
  }
  return { dateKey: parseBoolean(config.json_date_key) === false ? undefined : config.json_date_key, dateFormat };
}
