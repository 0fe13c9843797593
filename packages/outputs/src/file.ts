import { mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CoreError, defineOutput, RecordMap, type FlushResult } from '@tributary/core';
import { MsgpackReader } from '@tributary/msgpack';
import { readEventHeader } from './event-header.js';
import { FileDestinations } from './file-destination.js';
import { csvLines, ltsvLine, outFileLine, plainLine, templateLine, type FileFormatSettings } from './file-formats.js';
import { FileRotation } from './file-rotation.js';

export { sanitizeTag } from './file-destination.js';

const FORMATS = ['out_file', 'plain', 'csv', 'ltsv', 'template', 'msgpack'] as const;
type FileFormat = (typeof FORMATS)[number];

/** Fluent Bit's `check_delimiter`: `\t`/`tab`, `space`, `comma`; anything else is not a delimiter. */
function namedDelimiter(text: string | undefined): string | undefined {
  switch (text?.toLowerCase()) {
    case '\\t': case 'tab': return '\t';
    case 'space': return ' ';
    case 'comma': return ',';
    default: return undefined;
  }
}

/**
 * Fluent Bit's `file` output (`plugins/out_file/file.c`): each flush appends a chunk's records
 * to `Path/File` (File defaults to the sanitized tag) in one of Fluent Bit's line formats, byte
 * for byte: `out_file`, `plain`, `csv`, `ltsv`, `template`, `msgpack`. Path and File may make a
 * file per record (`file-destination.ts`: record accessors, `enable_strftime`, the fallback
 * and limits of 5.x), and `rotate` rotates a file past `rotate_max_size` (`file-rotation.ts`).
 * A file that cannot be opened drops the chunk (Fluent Bit's FLB_ERROR), a failed write retries it.
 */
export const fileOutput = defineOutput({
  name: 'file',
  description: 'Generate log file',
  configMap: {
    path: { type: 'string', description: 'the directory of the file (default: the working directory); record accessors after a static prefix' },
    file: { type: 'string', description: 'the file name (default: the tag); record accessors allowed' },
    enable_strftime: { type: 'bool', default: 'false', description: 'strftime conversions in path and file, with the record time in UTC' },
    max_dynamic_files: { type: 'int', default: '1024', description: 'distinct dynamic files at most; 0 is unlimited' },
    on_missing_field: { type: 'string', default: 'error', description: 'a dynamic destination that cannot be made: error, drop or fallback' },
    on_limit_reached: { type: 'string', default: 'error', description: 'past max_dynamic_files: error, drop or fallback' },
    fallback_path: { type: 'string', description: 'the directory of the fallback file' },
    fallback_file: { type: 'string', description: 'the file of records whose dynamic destination fell back (required with dynamic destinations)' },
    format: { type: 'string', default: 'out_file', description: 'out_file, plain, csv, ltsv, template or msgpack' },
    delimiter: { type: 'string', description: 'csv and ltsv: tab, space or comma' },
    label_delimiter: { type: 'string', description: 'ltsv: tab, space or comma' },
    template: { type: 'string', default: '{time} {message}', description: 'template: {key} placeholders and {time}' },
    csv_column_names: { type: 'bool', default: 'false', description: 'csv: a header line when the file is empty' },
    mkdir: { type: 'bool', default: 'false', description: 'create the directory when it does not exist' },
    rotate: { type: 'bool', default: 'false', description: 'size based rotation' },
    rotate_max_size: { type: 'size', default: '100M', description: 'rotate the file once it reached this size' },
    rotate_max_files: { type: 'int', default: '7', description: 'rotated files kept' },
    rotate_gzip: { type: 'bool', default: 'true', description: 'gzip rotated files' },
  },
  init(ctx) {
    const { config, name } = ctx;
    const format = config.format.toLowerCase() as FileFormat;
    if (!FORMATS.includes(format)) throw new CoreError('INVALID_PROPERTY', `${name}: unknown format ${config.format}. Use one of: ${FORMATS.join(', ')}.`);
    const destinations = new FileDestinations(name, {
      path: config.path,
      file: config.file,
      enableStrftime: config.enable_strftime,
      maxDynamicFiles: config.max_dynamic_files,
      onMissingField: config.on_missing_field,
      onLimitReached: config.on_limit_reached,
      fallbackPath: config.fallback_path,
      fallbackFile: config.fallback_file,
    });
    const rotation = new FileRotation(name, { enabled: config.rotate, maxSize: config.rotate_max_size, maxFiles: config.rotate_max_files, gzip: config.rotate_gzip }, ctx.log);
    const settings: FileFormatSettings = {
      delimiter: namedDelimiter(config.delimiter) ?? (format === 'ltsv' ? '\t' : ','),
      labelDelimiter: namedDelimiter(config.label_delimiter) ?? ':',
      template: config.template,
    };
    const csvHeader = format === 'csv' && config.csv_column_names;
    const openFile = async (path: string) => {
      try {
        return await open(path, 'a');
      } catch (error) {
        if (!config.mkdir || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await mkdir(dirname(path), { recursive: true, mode: 0o755 });
        return open(path, 'a');
      }
    };
    /** Appends to `path`: what `content` makes of the file's size then (a CSV header goes only into an empty file). */
    const append = async (path: string, content: (size: number) => Uint8Array | string): Promise<FlushResult> => {
      let handle;
      try {
        handle = await openFile(path);
      } catch (error) {
        ctx.log.error(`error opening: ${path}: ${(error as Error).message}`);
        return 'error';
      }
      try {
        const data = content(csvHeader ? (await handle.stat()).size : 1);
        await (typeof data === 'string' ? handle.write(data) : handle.write(data));
        return 'ok';
      } catch (error) {
        ctx.log.error(`cannot write ${path}: ${(error as Error).message}`);
        return 'retry';
      } finally {
        await handle.close();
        await rotation.written(path);
      }
    };
    const format1 = (event: Uint8Array, tag: string, empty: boolean) => (format === 'msgpack' ? event : formatChunk(event, tag, format, settings, empty));

    return {
      async flush(chunk) {
        if (!destinations.dynamic) {
          const path = destinations.forTag(chunk.tag);
          if (await rotation.due(path)) await rotation.rotate(path);
          return append(path, (size) => format1(chunk.data, chunk.tag, size === 0));
        }
        // A file per record: the records of one file are written together, in order, with the
        // rotation and CSV header checks Fluent Bit makes before each record.
        const pending = new Map<string, { parts: Array<Uint8Array | string>; bytes: number }>();
        /** What each file held on disk when this flush first wrote to it (a CSV header goes only into an empty one). */
        const onDisk = new Map<string, number>();
        const diskSize = async (path: string) => onDisk.get(path) ?? onDisk.set(path, await fileSize(path)).get(path)!;
        const writePending = async (path: string): Promise<FlushResult> => {
          const entry = pending.get(path);
          if (entry === undefined) return 'ok';
          pending.delete(path);
          return append(path, () => Buffer.concat(entry.parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part))));
        };
        const writeAll = async (): Promise<FlushResult> => {
          let result: FlushResult = 'ok';
          for (const path of [...pending.keys()]) {
            const written = await writePending(path);
            if (written !== 'ok' && result === 'ok') result = written;
          }
          return result;
        };
        for (const { event, seconds, body } of eachEvent(chunk.data)) {
          const destination = destinations.forRecord(chunk.tag, seconds, body);
          if ('drop' in destination) {
            ctx.log.warn(`dropping record: ${destination.drop}`);
            continue;
          }
          if ('error' in destination) {
            await writeAll();
            ctx.log.error(destination.error);
            return 'error';
          }
          const { path } = destination;
          let entry = pending.get(path);
          if (await rotation.due(path, entry?.bytes ?? 0)) {
            const written = await writePending(path);
            if (written !== 'ok') return written;
            await rotation.rotate(path);
            onDisk.set(path, 0); // a new, empty file from here on
            entry = undefined;
          }
          const size = csvHeader ? (await diskSize(path)) + (entry?.bytes ?? 0) : 1;
          const text = format1(event, chunk.tag, size === 0);
          if (entry === undefined) pending.set(path, (entry = { parts: [], bytes: 0 }));
          entry.parts.push(text);
          entry.bytes += typeof text === 'string' ? Buffer.byteLength(text) : text.length;
        }
        return writeAll();
      },
    };
  },
});

/** Each event of a chunk: its bytes, its time in seconds, and its body (read lazily) for the destination's accessors. */
function* eachEvent(data: Uint8Array): Generator<{ event: Uint8Array; seconds: number; body: RecordMap }> {
  const reader = new MsgpackReader(data);
  while (!reader.done) {
    const start = reader.offset;
    reader.next(); // [header, body]
    const { time } = readEventHeader(reader);
    const bodyStart = reader.offset;
    reader.skip();
    yield { event: data.subarray(start, reader.offset), seconds: time.sec, body: RecordMap.of(data.subarray(bodyStart, reader.offset)) };
  }
}

async function fileSize(path: string): Promise<number> {
  return stat(path).then((st) => st.size, () => 0);
}

function formatChunk(data: Uint8Array, tag: string, format: Exclude<FileFormat, 'msgpack'>, settings: FileFormatSettings, csvHeader: boolean): string {
  const reader = new MsgpackReader(data);
  let out = '';
  let header = csvHeader;
  while (!reader.done) {
    reader.next(); // [header, body]
    const { time } = readEventHeader(reader);
    switch (format) {
      case 'out_file': out += outFileLine(tag, time, reader); break;
      case 'plain': out += plainLine(reader); break;
      case 'csv':
        // Fluent Bit spends the header on the first record, even one that prints nothing.
        out += csvLines(time, reader, settings, header);
        header = false;
        break;
      case 'ltsv': out += ltsvLine(time, reader, settings); break;
      case 'template': out += templateLine(time, reader, settings); break;
    }
  }
  return out;
}
