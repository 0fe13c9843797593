import type { EventTime, MsgpackReader } from '@tributary/msgpack';
import { msgpackToJson } from './fluent-bit-json.js';
import { printMsgpackObject } from './fluent-bit-text.js';

/** The settings a line format reads. */
export interface FileFormatSettings {
  readonly delimiter: string;
  readonly labelDelimiter: string;
  readonly template: string;
}

/** Seconds as Fluent Bit's `flb_time_to_double` printed with `%f`. */
const seconds = (time: EventTime) => (time.sec + time.nsec / 1e9).toFixed(6);

/** `out_file`: `TAG: [SEC.NSEC9, JSON]`. */
export function outFileLine(tag: string, time: EventTime, reader: MsgpackReader): string {
  return `${tag}: [${time.sec}.${String(time.nsec).padStart(9, '0')}, ${msgpackToJson(reader)}]\n`;
}

/** `plain`: the body as JSON. */
export function plainLine(reader: MsgpackReader): string {
  return `${msgpackToJson(reader)}\n`;
}

/** The body's entries as msgpack-c prints keys and values; undefined when the body is not a map or empty. */
function printedEntries(reader: MsgpackReader): Array<[key: string, value: string]> | undefined {
  const start = reader.offset;
  if (reader.next() !== 'map' || reader.size === 0) {
    reader.offset = start;
    reader.skip();
    return undefined;
  }
  const entries: Array<[string, string]> = [];
  for (let i = reader.size; i > 0; i--) entries.push([printMsgpackObject(reader), printMsgpackObject(reader)]);
  return entries;
}

/** `csv`: `SEC.NSEC9` then the values; with `header`, a `timestamp,"key",…` line first. An empty map writes nothing. */
export function csvLines(time: EventTime, reader: MsgpackReader, settings: FileFormatSettings, header: boolean): string {
  const entries = printedEntries(reader);
  if (entries === undefined) return '';
  const { delimiter } = settings;
  const head = header ? `timestamp${delimiter}${entries.map(([key]) => key).join(delimiter)}\n` : '';
  return `${head}${time.sec}.${String(time.nsec).padStart(9, '0')}${delimiter}${entries.map(([, value]) => value).join(delimiter)}\n`;
}

/** `ltsv`: `"time"` and every key, quoted as msgpack-c prints them, each with its value. */
export function ltsvLine(time: EventTime, reader: MsgpackReader, settings: FileFormatSettings): string {
  const entries = printedEntries(reader);
  if (entries === undefined) return '';
  const { delimiter, labelDelimiter } = settings;
  return `"time"${labelDelimiter}${seconds(time)}${delimiter}${entries.map(([key, value]) => `${key}${labelDelimiter}${value}`).join(delimiter)}\n`;
}

/**
 * `template`: `{name}` is the body's first `name` value (a string as it is, anything else as
 * msgpack-c prints it), `{time}` — or any prefix of it, as Fluent Bit compares — the time as
 * `%f`; a placeholder with no value stays as written, an unclosed or nested brace as text.
 */
export function templateLine(time: EventTime, reader: MsgpackReader, settings: FileFormatSettings): string {
  const values = new Map<string, string>();
  const start = reader.offset;
  if (reader.next() === 'map') {
    for (let i = reader.size; i > 0; i--) {
      const keyKind = reader.next();
      const key = keyKind === 'str' ? reader.text() : undefined;
      const valueStart = reader.offset;
      const valueKind = reader.next();
      let text: string;
      if (valueKind === 'str') text = reader.text();
      else {
        reader.offset = valueStart;
        text = printMsgpackObject(reader);
      }
      if (key !== undefined && !values.has(key)) values.set(key, text);
    }
  } else {
    reader.offset = start;
    reader.skip();
  }
  const template = settings.template;
  let out = '';
  let open = -1;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '{') {
      if (open >= 0) out += template.slice(open, i);
      open = i;
    } else if (c === '}' && open >= 0) {
      const key = template.slice(open + 1, i);
      const value = 'time'.startsWith(key) ? seconds(time) : values.get(key);
      out += value ?? template.slice(open, i + 1);
      open = -1;
    } else if (open < 0) out += c;
  }
  if (open >= 0) out += template.slice(open);
  return `${out}\n`;
}
