import { MsgpackReader, type EventTime, type MsgpackKind } from '@tributary/msgpack';
import { readEventHeader } from './event-header.js';
import { jsonString } from './fluent-bit-json.js';

/** The record keys that become GELF's own fields (`gelf_*_key`; Fluent Bit's defaults are the field names). */
export interface GelfFields {
  readonly host: string;
  readonly shortMessage: string;
  readonly timestamp: string;
  readonly level: string;
  readonly fullMessage: string;
}

export const DEFAULT_GELF_FIELDS: GelfFields = { host: 'host', shortMessage: 'short_message', timestamp: 'timestamp', level: 'level', fullMessage: 'full_message' };

/** A record Fluent Bit cannot turn into GELF (its flush then fails with FLB_ERROR). */
export class GelfError extends Error {}

const SYSLOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/**
 * A chunk's records as GELF 1.1, one JSON object per record each followed by `\n`, exactly as
 * Fluent Bit's `flb_msgpack_to_gelf` writes them: the mapped keys renamed (the first of each
 * only), other keys prefixed with `_` and cut to `[A-Za-z0-9_.-]`, nested maps flattened into
 * `_a_b` keys, arrays written as one string of their items, nil values left out, `id` dropped,
 * floats as `%f`, and the record's time as `timestamp` (seconds with milliseconds) unless a key
 * gave it. Throws a GelfError for a record without a short message or with a level that is not
 * an integer or a string; `warn` hears of levels outside 0..7 and the syslog keywords.
 */
export function gelfRecords(data: Uint8Array, fields: GelfFields, warn: (message: string) => void): string {
  const reader = new MsgpackReader(data);
  let out = '';
  while (!reader.done) {
    reader.next(); // [header, body]
    const { time } = readEventHeader(reader);
    out += `${gelfRecord(reader, time, fields, warn)}\n`;
  }
  return out;
}

function gelfRecord(reader: MsgpackReader, time: EventTime, fields: GelfFields, warn: (message: string) => void): string {
  if (reader.next() !== 'map') throw new GelfError('the record is not a map');
  const found = new Set<string>();
  let out = '{"version":"1.1"';
  for (let i = reader.size; i > 0; i--) {
    const keyKind = reader.next();
    if (keyKind !== 'str' && keyKind !== 'bin') {
      skipContents(reader, keyKind);
      reader.skip();
      continue;
    }
    let key = reader.text();
    let custom = false;
    const field = fieldOf(key, fields);
    if (field !== undefined) {
      if (found.has(field)) {
        reader.skip();
        continue;
      }
      found.add(field);
      key = field;
    } else if (key === 'id') {
      reader.skip(); // `_id` is not allowed in GELF
      continue;
    } else custom = true;

    let kind = reader.next();
    let value: string | number | bigint | boolean | undefined;
    if (field === 'level') [kind, value] = levelValue(reader, kind, warn);
    if (kind === 'map') {
      out += flattenMap(reader, `_${key}`, false);
      continue;
    }
    if (kind === 'nil') continue;
    out += gelfKey(false, custom ? '_' : '', false, key);
    out += kind === 'array' ? flatten(reader, kind, '', false) : scalar(reader, kind, false, value);
  }
  if (!found.has('timestamp')) out += `, "timestamp":${time.sec}.${String(Math.floor(time.nsec / 1_000_000)).padStart(3, '0')}`;
  if (!found.has('short_message')) throw new GelfError('missing short_message key');
  return `${out}}`;
}

function fieldOf(key: string, fields: GelfFields): string | undefined {
  // Fluent Bit's order of comparison.
  if (key === fields.host) return 'host';
  if (key === fields.shortMessage) return 'short_message';
  if (key === fields.timestamp) return 'timestamp';
  if (key === fields.level) return 'level';
  if (key === fields.fullMessage) return 'full_message';
  return undefined;
}

/** The level as GELF wants it: a digit or a syslog keyword becomes its number; anything but an integer or a string fails. */
function levelValue(reader: MsgpackReader, kind: MsgpackKind, warn: (message: string) => void): [MsgpackKind, number | string | bigint | undefined] {
  const value = reader.value as number | bigint;
  if ((kind === 'uint' || kind === 'int') && value >= 0) {
    if (value > 7) warn(`level is ${value}, but should be in 0..7 or a syslog keyword`);
    return [kind, undefined];
  }
  if (kind !== 'str') throw new GelfError('level must be a non-negative integer or a string');
  const text = reader.text();
  if (text.length === 1 && text >= '0' && text <= '7') return ['uint', Number(text)];
  const index = SYSLOG_LEVELS.indexOf(text.toLowerCase());
  if (index >= 0) return ['uint', index];
  warn(`level is '${text}', but should be in 0..7 or a syslog keyword`);
  return [kind, undefined];
}

/** `flb_msgpack_gelf_key`: `, "prefix[_]key":` (or `prefix[_]key=` inside an array), each byte outside `[A-Za-z0-9_.-]` as `_`. */
function gelfKey(inArray: boolean, prefix: string, concat: boolean, key: string): string {
  const name = `${sanitize(prefix)}${concat ? '_' : ''}${sanitize(key)}`;
  return inArray ? `${name}=` : `, "${name}":`;
}

const VALID_KEY = /^[A-Za-z0-9_.-]*$/;

function sanitize(text: string): string {
  if (VALID_KEY.test(text)) return text;
  let out = '';
  for (const char of text) out += /[A-Za-z0-9_.-]/.test(char) ? char : '_'.repeat(Buffer.byteLength(char));
  return out;
}

/** A scalar (the level's converted number when given): strings quoted and escaped outside arrays, raw inside them. */
function scalar(reader: MsgpackReader, kind: MsgpackKind, inArray: boolean, converted?: string | number | bigint | boolean): string {
  if (converted !== undefined) return String(converted);
  switch (kind) {
    case 'nil':
      return 'null';
    case 'bool':
      return inArray ? String(reader.value) : `"${String(reader.value)}"`;
    case 'uint':
    case 'int':
      return String(reader.value);
    case 'float':
      return printfF(reader.value as number);
    case 'str':
    case 'bin':
      return inArray ? reader.text() : jsonString(reader.text());
    case 'ext': {
      let hex = '';
      for (const byte of reader.payloadBytes()) hex += `\\x${byte.toString(16).padStart(2, '0')}`;
      return inArray ? hex : `"${hex}"`;
    }
    default:
      throw new Error(`not a scalar: ${kind}`);
  }
}

/** `flb_msgpack_gelf_flatten` of the item whose kind `reader` just read. */
function flatten(reader: MsgpackReader, kind: MsgpackKind, prefix: string, inArray: boolean): string {
  if (kind === 'map') return flattenMap(reader, prefix, inArray);
  if (kind !== 'array') return scalar(reader, kind, inArray);
  let out = inArray ? '' : '"';
  for (let i = 0, size = reader.size; i < size; i++) {
    if (i > 0) out += ', ';
    out += flatten(reader, reader.next(), prefix, true);
  }
  return inArray ? out : `${out}"`;
}

/** The entries of the map whose header `reader` just read, flattened under `prefix` (`_a_b` keys; inside an array `a=1 b=2`); non-string keys are left out. */
function flattenMap(reader: MsgpackReader, prefix: string, inArray: boolean): string {
  let out = '';
  for (let i = 0, size = reader.size; i < size; i++) {
    const keyKind = reader.next();
    if (keyKind !== 'str') {
      skipContents(reader, keyKind);
      reader.skip();
      continue;
    }
    const key = reader.text();
    const kind = reader.next();
    if (kind === 'map') {
      out += flattenMap(reader, prefix.length > 0 ? `${prefix}_${key}` : key, inArray);
      continue;
    }
    if (inArray && i > 0) out += ' ';
    out += inArray && prefix.length === 0 ? gelfKey(true, '', false, key) : gelfKey(inArray, prefix, true, key);
    out += flatten(reader, kind, '', inArray);
  }
  return out;
}

/** Skips what a container header the reader just read holds. */
function skipContents(reader: MsgpackReader, kind: MsgpackKind): void {
  if (kind === 'array') for (let i = reader.size; i > 0; i--) reader.skip();
  else if (kind === 'map') for (let i = reader.size * 2; i > 0; i--) reader.skip();
}

/** C's `%f`: six decimals, the exact decimal of a large double, `nan`/`inf` as glibc spells them (the sign of a NaN is not kept). */
export function printfF(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Math.abs(value) >= 1e21) return `${BigInt(value).toString()}.000000`;
  const text = value.toFixed(6);
  return Object.is(value, -0) ? `-${text}` : text;
}
