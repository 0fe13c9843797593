import { atLocation, parseBoolean, type SourceLocation } from '@tributary/base';
import type { DecodeRule } from './field-decoders.js';
import type { ParserDefinition } from './parser-definition.js';
import { ParserError } from './parser-error.js';

/** One `key value` line of a `[PARSER]` section, with where it was written. */
export interface SectionEntry {
  readonly key: string;
  readonly value: string;
  readonly source?: SourceLocation;
}

const FORMATS = new Set(['regex', 'json', 'logfmt', 'ltsv']);
const DECODERS = new Set(['json', 'escaped', 'escaped_utf8', 'mysql_quoted']);
const KNOWN = new Set([
  'name', 'format', 'regex', 'time_key', 'time_format', 'time_keep', 'time_strict', 'time_offset', 'time_zone',
  'time_system_timezone', 'types', 'decode_field', 'decode_field_as', 'skip_empty_values', 'logfmt_no_bare_keys',
]);

/**
 * A `[PARSER]` section (`flb_parser_load_parser_definitions`) as a definition; errors name the
 * file and line. Keys Fluent Bit does not read come back as warnings rather than being ignored.
 */
export function parserDefinitionFrom(entries: readonly SectionEntry[], section: SourceLocation | undefined): { definition: ParserDefinition; warnings: string[] } {
  const fail = (entry: SectionEntry | undefined, message: string): never => {
    throw new ParserError('PARSER_DEFINITION', atLocation(entry?.source ?? section, message));
  };
  const get = (key: string) => entries.find((entry) => entry.key.toLowerCase() === key);
  const flag = (key: string): boolean | undefined => {
    const entry = get(key);
    if (entry === undefined) return undefined;
    return parseBoolean(entry.value) ?? fail(entry, `'${key}' must be on or off, got '${entry.value}'.`);
  };
  const name = get('name')?.value;
  if (!name) return fail(undefined, "a [PARSER] section needs a 'Name'.");
  const formatEntry = get('format');
  const format = formatEntry?.value.toLowerCase();
  if (format === undefined || !FORMATS.has(format)) {
    return fail(formatEntry, `parser '${name}' needs 'Format' regex, json, logfmt or ltsv${formatEntry ? `, got '${formatEntry.value}'` : ''}.`);
  }
  const decoders: DecodeRule[] = [];
  for (const entry of entries) {
    const key = entry.key.toLowerCase();
    if (key !== 'decode_field' && key !== 'decode_field_as') continue;
    const [decoder, field, action, ...rest] = entry.value.trim().split(/\s+/);
    if (!decoder || !DECODERS.has(decoder.toLowerCase()) || !field || rest.length > 0 || (action !== undefined && action !== 'try_next' && action !== 'do_next')) {
      fail(entry, `'${entry.key}' is '<json|escaped|escaped_utf8|mysql_quoted> <field> [try_next|do_next]', got '${entry.value}'.`);
    }
    decoders.push({ decoder: decoder!.toLowerCase() as DecodeRule['decoder'], field: field!, as: key === 'decode_field_as', action: action as DecodeRule['action'] });
  }
  const warnings = entries
    .filter((entry) => !KNOWN.has(entry.key.toLowerCase()))
    .map((entry) => atLocation(entry.source ?? section, `parser '${name}': '${entry.key}' is not a parser key; it has no effect.`));
  return {
    definition: {
      name,
      format: format as ParserDefinition['format'],
      regex: get('regex')?.value,
      timeKey: get('time_key')?.value,
      timeFormat: get('time_format')?.value,
      timeKeep: flag('time_keep'),
      timeStrict: flag('time_strict'),
      timeOffset: get('time_offset')?.value,
      timeZone: get('time_zone')?.value,
      timeSystemTimezone: flag('time_system_timezone'),
      types: get('types')?.value,
      decoders,
      skipEmptyValues: flag('skip_empty_values'),
      logfmtNoBareKeys: flag('logfmt_no_bare_keys'),
    },
    warnings,
  };
}
