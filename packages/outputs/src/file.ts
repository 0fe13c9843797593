import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CoreError, defineOutput } from '@tributary/core';
import { MsgpackReader } from '@tributary/msgpack';
import { readEventHeader } from './event-header.js';
import { csvLines, ltsvLine, outFileLine, plainLine, templateLine, type FileFormatSettings } from './file-formats.js';

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
 * A tag as a file name, as out_file's `sanitize_tag_name`: `/` and `\` separate components (a
 * tag may name a subdirectory), `.` and `..` components become `_`, every byte outside
 * `[A-Za-z0-9._-]` becomes `_`; nothing left is `_`.
 */
export function sanitizeTag(tag: string): string {
  const components = tag.split(/[/\\]/).filter((component) => component !== '');
  const safe = components.map((component) =>
    component === '.' || component === '..' ? '_' : Buffer.from(component, 'utf8').toString('latin1').replace(/[^A-Za-z0-9._-]/g, '_'),
  );
  return safe.length === 0 ? '_' : safe.join('/');
}

/**
 * Fluent Bit's `file` output (`plugins/out_file/file.c`): each flush appends a chunk's records
 * to `Path/File` (File defaults to the sanitized tag) in one of Fluent Bit's line formats, byte
 * for byte: `out_file`, `plain`, `csv`, `ltsv`, `template`, `msgpack`. A file that cannot be
 * opened drops the chunk (Fluent Bit's FLB_ERROR), a failed write retries it.
 */
export const fileOutput = defineOutput({
  name: 'file',
  description: 'Generate log file',
  configMap: {
    path: { type: 'string', description: 'the directory of the file (default: the working directory)' },
    file: { type: 'string', description: 'the file name (default: the tag)' },
    format: { type: 'string', default: 'out_file', description: 'out_file, plain, csv, ltsv, template or msgpack' },
    delimiter: { type: 'string', description: 'csv and ltsv: tab, space or comma' },
    label_delimiter: { type: 'string', description: 'ltsv: tab, space or comma' },
    template: { type: 'string', default: '{time} {message}', description: 'template: {key} placeholders and {time}' },
    csv_column_names: { type: 'bool', default: 'false', description: 'csv: a header line when the file is empty' },
    mkdir: { type: 'bool', default: 'false', description: 'create the directory when it does not exist' },
    enable_strftime: { type: 'bool', default: 'false', description: 'strftime in Path and File', unsupported: 'Path and File are used as written' },
    rotate: { type: 'bool', default: 'false', description: 'size based rotation', unsupported: 'files are not rotated; rotate them with logrotate' },
    rotate_max_size: { type: 'size', default: '100M', description: 'rotation size', unsupported: 'files are not rotated' },
    rotate_max_files: { type: 'int', default: '7', description: 'rotated files kept', unsupported: 'files are not rotated' },
    rotate_gzip: { type: 'bool', default: 'true', description: 'gzip rotated files', unsupported: 'files are not rotated' },
  },
  init(ctx) {
    const { config, name } = ctx;
    const format = config.format.toLowerCase() as FileFormat;
    if (!FORMATS.includes(format)) throw new CoreError('INVALID_PROPERTY', `${name}: unknown format ${config.format}. Use one of: ${FORMATS.join(', ')}.`);
    for (const key of ['path', 'file'] as const) {
      if (config[key]?.includes('$')) {
        throw new CoreError('INVALID_PROPERTY', `${name}: ${key} '${config[key]}' holds a record accessor ($…): dynamic file names are not supported by Tributary yet. Write a fixed ${key}.`);
      }
    }
    const settings: FileFormatSettings = {
      delimiter: namedDelimiter(config.delimiter) ?? (format === 'ltsv' ? '\t' : ','),
      labelDelimiter: namedDelimiter(config.label_delimiter) ?? ':',
      template: config.template,
    };
    const target = (tag: string) => {
      const file = config.file ?? sanitizeTag(tag);
      return config.path === undefined ? file : join(config.path, file);
    };
    const openFile = async (path: string) => {
      try {
        return await open(path, 'a');
      } catch (error) {
        if (!config.mkdir || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await mkdir(dirname(path), { recursive: true, mode: 0o755 });
        return open(path, 'a');
      }
    };
    return {
      async flush(chunk) {
        const path = target(chunk.tag);
        let handle;
        try {
          handle = await openFile(path);
        } catch (error) {
          ctx.log.error(`error opening: ${path}: ${(error as Error).message}`);
          return 'error';
        }
        try {
          if (format === 'msgpack') {
            await handle.write(chunk.data);
            return 'ok';
          }
          const empty = format === 'csv' && config.csv_column_names && (await handle.stat()).size === 0;
          await handle.write(formatChunk(chunk.data, chunk.tag, format, settings, empty));
          return 'ok';
        } catch (error) {
          ctx.log.error(`cannot write ${path}: ${(error as Error).message}`);
          return 'retry';
        } finally {
          await handle.close();
        }
      },
    };
  },
});

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
