import { applyDecoders } from './field-decoders.js';
import { parseLogfmt } from './logfmt.js';
import { parseLtsv } from './ltsv.js';
import { translateOnigmo, type TranslatedRegex } from './onigmo-regex.js';
import type { ParserDefinition } from './parser-definition.js';
import { ParserError } from './parser-error.js';
import { parseTimeOffset, TimeFormat, type Timestamp } from './time-format.js';
import { parseTypes, typecast, type FieldType } from './typecast.js';

/** What a parser made of one text: the record, and its time when the text gave one. */
export interface ParsedRecord {
  readonly record: Record<string, unknown>;
  /** Undefined when the parser has no Time_Format or the time did not parse: callers use now. */
  readonly time: Timestamp | undefined;
}

/** A built parser: `parse` returns undefined when the text does not parse (each consumer decides what then). */
export interface Parser {
  readonly name: string;
  readonly definition: ParserDefinition;
  parse(text: string, now?: number): ParsedRecord | undefined;
}

/**
 * Builds a parser as Fluent Bit's `flb_parser_create` does, refusing a definition it would
 * refuse (and a regex JavaScript cannot express the same way) with the parser named. Each
 * format forms its record as Fluent Bit's does, down to the asymmetries: a regex parser whose
 * time does not parse drops the time key (even with Time_Keep), a json parser keeps it, and a
 * logfmt or ltsv parser fails the whole line.
 */
export function createParser(definition: ParserDefinition, warn: (message: string) => void = () => {}): Parser {
  const { name } = definition;
  const timeKey = definition.timeKey ?? 'time';
  const keep = definition.timeKeep ?? false;
  const time = timeFormatOf(definition);
  const types = definition.types ? parseTypes(definition.types) : new Map<string, FieldType>();
  const decoders = definition.decoders ?? [];
  const cast = (record: Record<string, unknown>) => {
    for (const [key, type] of types) {
      const value = record[key];
      if (typeof value === 'string') record[key] = typecast(value, type);
    }
  };
  /** Types, then decoders (json applies its decoders before the time and has no Types). */
  const finish = (record: Record<string, unknown>, stamp: Timestamp | undefined): ParsedRecord => {
    if (definition.format !== 'json') {
      cast(record);
      applyDecoders(record, decoders);
    }
    return { record, time: stamp };
  };

  let parse: (text: string, now: number) => ParsedRecord | undefined;
  switch (definition.format) {
    case 'regex': {
      if (definition.regex === undefined || definition.regex === '') {
        throw new ParserError('PARSER_DEFINITION', `parser '${name}' has Format regex but no Regex. Add a 'Regex' with named groups, such as '^(?<message>.*)$'.`);
      }
      const translated: TranslatedRegex = translateOnigmo(definition.regex, name);
      const skipEmpty = definition.skipEmptyValues ?? true;
      parse = (text, now) => {
        const match = translated.regex.exec(text);
        if (!match) return undefined;
        const record: Record<string, unknown> = {};
        for (const [js, field] of translated.groups) {
          const value = match.groups?.[js] ?? '';
          if (value === '' && skipEmpty) continue;
          record[field] = value;
        }
        let stamp: Timestamp | undefined;
        if (time && typeof record[timeKey] === 'string') {
          stamp = time.parse(record[timeKey] as string, now);
          if (!stamp) {
            warn(`parser '${name}': invalid time format ${definition.timeFormat} for '${record[timeKey] as string}'`);
            delete record[timeKey];
          } else if (!keep) delete record[timeKey];
        }
        return finish(record, stamp);
      };
      break;
    }
    case 'json':
      parse = (text, now) => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return undefined;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
        const record = value as Record<string, unknown>;
        applyDecoders(record, decoders);
        let stamp: Timestamp | undefined;
        if (time && typeof record[timeKey] === 'string') {
          stamp = time.parse(record[timeKey] as string, now);
          if (!stamp) warn(`parser '${name}': invalid time format ${definition.timeFormat} for '${record[timeKey] as string}'`);
          else if (!keep) delete record[timeKey];
        }
        return finish(record, stamp);
      };
      break;
    case 'logfmt':
    case 'ltsv': {
      const fields = definition.format === 'logfmt' ? (line: string) => parseLogfmt(line, definition.logfmtNoBareKeys) : parseLtsv;
      parse = (text, now) => {
        const pairs = fields(text);
        if (!pairs) return undefined;
        const record: Record<string, unknown> = Object.fromEntries(pairs);
        let stamp: Timestamp | undefined;
        if (time && typeof record[timeKey] === 'string') {
          stamp = time.parse(record[timeKey] as string, now);
          if (!stamp) return undefined; // the whole line fails, as in Fluent Bit
          if (!keep) delete record[timeKey];
        }
        return finish(record, stamp);
      };
      break;
    }
    default:
      throw new ParserError('PARSER_DEFINITION', `parser '${name}' has Format '${String(definition.format)}'; Fluent Bit's formats are regex, json, logfmt and ltsv.`);
  }
  return { name, definition, parse: (text, now = Date.now()) => parse(text, now) };
}

function timeFormatOf(definition: ParserDefinition): TimeFormat | undefined {
  const { name, timeFormat, timeOffset, timeZone, timeSystemTimezone } = definition;
  if (timeZone !== undefined && timeFormat === undefined) {
    throw new ParserError('PARSER_DEFINITION', `parser '${name}': Time_Zone needs a Time_Format.`);
  }
  if (timeZone !== undefined && (timeOffset !== undefined || timeSystemTimezone)) {
    throw new ParserError('PARSER_DEFINITION', `parser '${name}': Time_Zone cannot be combined with Time_Offset or Time_System_Timezone; keep one.`);
  }
  if (timeFormat === undefined) return undefined;
  let offsetSeconds: number | undefined;
  if (timeOffset !== undefined) {
    offsetSeconds = parseTimeOffset(timeOffset);
    if (offsetSeconds === undefined) throw new ParserError('PARSER_DEFINITION', `parser '${name}': Time_Offset '${timeOffset}' is not Z, +HHMM or -HH:MM.`);
  }
  return new TimeFormat(
    { format: timeFormat, offsetSeconds, zone: timeZone, systemZone: timeSystemTimezone, strict: definition.timeStrict ?? true },
    name,
  );
}
