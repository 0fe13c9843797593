import { CoreError, defineOutput } from '@tributary/core';
import { MsgpackReader, type EventTime } from '@tributary/msgpack';
import { readEventHeader } from './event-header.js';
import { printMsgpackObject } from './fluent-bit-text.js';
import { jsonNumber, jsonString, msgpackToJson } from './fluent-bit-json.js';

/** Where stdout writes; a stream in tests. */
export interface TextSink {
  write(text: string, done: (error?: Error | null) => void): void;
}

const processStdout: TextSink = { write: (text, done) => process.stdout.write(text, done) };

/**
 * Fluent Bit's `stdout` output. `format msgpack` (the default) prints
 * `[N] tag: [[sec.nsec, {meta}], {body}]` per record; `json_lines` prints one JSON object per
 * record with the time under `json_date_key`. A flush resolves once its text is written, so
 * nothing is lost at shutdown.
 */
export function createStdoutOutput(sink: TextSink = processStdout) {
  return defineOutput({
    name: 'stdout',
    description: 'Prints events to STDOUT',
    configMap: {
      format: { type: 'string', default: 'msgpack', description: 'msgpack, json, json_lines or json_stream' },
      json_date_key: { type: 'string', default: 'date', description: 'Key of the timestamp in JSON formats' },
      json_date_format: { type: 'string', default: 'double', description: 'double, epoch, iso8601 or java_sql_timestamp' },
    },
    init(ctx) {
      const format = ctx.config.format.toLowerCase();
      const formats = ['msgpack', 'json', 'json_lines', 'json_stream'];
      if (!formats.includes(format)) {
        throw new CoreError('INVALID_PROPERTY', `${ctx.name}: unknown format '${ctx.config.format}'. Use one of: ${formats.join(', ')}.`);
      }
      const dateFormat = ctx.config.json_date_format.toLowerCase();
      const dateFormats = ['double', 'epoch', 'iso8601', 'java_sql_timestamp'];
      if (!dateFormats.includes(dateFormat)) {
        throw new CoreError('INVALID_PROPERTY', `${ctx.name}: unknown json_date_format '${ctx.config.json_date_format}'. Use one of: ${dateFormats.join(', ')}.`);
      }
      const dateKey = jsonString(ctx.config.json_date_key);
      return {
        flush(chunk) {
          const text =
            format === 'msgpack'
              ? printRecords(chunk.data, chunk.tag)
              : jsonRecords(chunk.data, format, dateKey, dateFormat);
          return new Promise((resolve) => sink.write(text, (error) => resolve(error ? 'retry' : 'ok')));
        },
      };
    },
  });
}

export const stdoutOutput = createStdoutOutput();

function printRecords(data: Uint8Array, tag: string): string {
  const reader = new MsgpackReader(data);
  let out = '';
  for (let n = 0; !reader.done; n++) {
    reader.next(); // [header, body]
    const { time, metadata } = readEventHeader(reader, printMsgpackObject);
    out += `[${n}] ${tag}: [[${time.sec}.${String(time.nsec).padStart(9, '0')}, ${metadata}], ${printMsgpackObject(reader)}]\n`;
  }
  return out;
}

function jsonRecords(data: Uint8Array, format: string, dateKey: string, dateFormat: string): string {
  const reader = new MsgpackReader(data);
  const records: string[] = [];
  while (!reader.done) {
    reader.next();
    const { time } = readEventHeader(reader);
    const body = msgpackToJson(reader);
    const date = `${dateKey}:${formatDate(time, dateFormat)}`;
    records.push(body === '{}' ? `{${date}}` : `{${date},${body.slice(1)}`);
  }
  if (records.length === 0) return '';
  return format === 'json' ? `[${records.join(',')}]\n` : `${records.join('\n')}\n`;
}

function formatDate(time: EventTime, format: string): string {
  switch (format) {
    case 'epoch': return String(time.sec);
    case 'iso8601': return `"${isoSeconds(time)}.${String(Math.floor(time.nsec / 1000)).padStart(6, '0')}Z"`;
    case 'java_sql_timestamp': return `"${isoSeconds(time).replace('T', ' ')}.${String(Math.floor(time.nsec / 1000)).padStart(6, '0')}"`;
    default: return jsonNumber(time.sec + time.nsec / 1e9);
  }
}

function isoSeconds(time: EventTime): string {
  return new Date(time.sec * 1000).toISOString().slice(0, 19);
}
