import { parseBoolean } from '@tributary/base';
import { CoreError } from '@tributary/core';
import { MsgpackReader, type EventTime } from '@tributary/msgpack';
import { readEventHeader } from './event-header.js';
import { jsonNumber, jsonString, msgpackToJson } from './fluent-bit-json.js';

/** Fluent Bit's JSON shapes of a chunk (`flb_pack_msgpack_to_json_format`). */
export type JsonFormat = 'json' | 'json_lines' | 'json_stream';

/** `json_date_format` values. */
export const JSON_DATE_FORMATS = ['double', 'epoch', 'epoch_ms', 'epoch_millis', 'epoch_milliseconds', 'iso8601', 'java_sql_timestamp'] as const;
export type JsonDateFormat = (typeof JSON_DATE_FORMATS)[number];

/**
 * A chunk's records as Fluent Bit's outputs write JSON: each record a map of the date under
 * `dateKey` (none when undefined), `__internal__.log_metadata` when the record has metadata, then
 * the body's pairs in order; `json` is one array of them, `json_lines` one per line, `json_stream`
 * them back to back.
 */
export function jsonRecords(data: Uint8Array, format: JsonFormat, dateKey: string | undefined, dateFormat: JsonDateFormat): string {
  const reader = new MsgpackReader(data);
  const key = dateKey === undefined ? undefined : jsonString(dateKey);
  const records: string[] = [];
  while (!reader.done) {
    reader.next(); // [header, body]
    const { time, metadata } = readEventHeader(reader, msgpackToJson);
    const body = msgpackToJson(reader);
    const fields: string[] = [];
    if (key !== undefined) fields.push(`${key}:${formatDate(time, dateFormat)}`);
    if (metadata !== '{}') fields.push(`"__internal__":{"log_metadata":${metadata}}`);
    if (body.startsWith('{')) {
      if (body !== '{}') fields.push(body.slice(1, -1));
    } else fields.push(`"log":${body}`);
    records.push(`{${fields.join(',')}}`);
  }
  if (records.length === 0) return '';
  if (format === 'json') return `[${records.join(',')}]`;
  return format === 'json_lines' ? `${records.join('\n')}\n` : records.join('');
}

function formatDate(time: EventTime, format: JsonDateFormat): string {
  switch (format) {
    case 'epoch': return String(time.sec);
    case 'epoch_ms': case 'epoch_millis': case 'epoch_milliseconds': return String(time.sec * 1000 + Math.floor(time.nsec / 1e6));
    case 'iso8601': return `"${isoSeconds(time)}.${micros(time)}Z"`;
    case 'java_sql_timestamp': return `"${isoSeconds(time).replace('T', ' ')}.${micros(time)}"`;
    default: return jsonNumber(time.sec + time.nsec / 1e9);
  }
}

const micros = (time: EventTime) => String(Math.floor(time.nsec / 1000)).padStart(6, '0');

function isoSeconds(time: EventTime): string {
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
