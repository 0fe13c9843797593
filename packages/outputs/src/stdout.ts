import { CoreError, defineOutput } from '@tributary/core';
import { MsgpackReader } from '@tributary/msgpack';
import { readEventHeader } from './event-header.js';
import { printMsgpackObject } from './fluent-bit-text.js';
import { JSON_DATE_CONFIG, jsonDateSettings, jsonRecords, type JsonFormat } from './json-records.js';

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
      ...JSON_DATE_CONFIG,
    },
    init(ctx) {
      const format = ctx.config.format.toLowerCase();
      const formats = ['msgpack', 'json', 'json_lines', 'json_stream'];
      if (!formats.includes(format)) {
        throw new CoreError('INVALID_PROPERTY', `${ctx.name}: unknown format '${ctx.config.format}'. Use one of: ${formats.join(', ')}.`);
      }
      const { dateKey, dateFormat } = jsonDateSettings(ctx.name, ctx.config);
      return {
        flush(chunk) {
          const text =
            format === 'msgpack'
              ? printRecords(chunk.data, chunk.tag)
              : // Fluent Bit ends json and json_stream with a line break; json_lines lines have theirs.
                jsonRecords(chunk.data, format as JsonFormat, dateKey, dateFormat).toString('latin1') + (format === 'json_lines' ? '' : '\n');
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
