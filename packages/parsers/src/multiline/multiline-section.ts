import { atLocation, parseBoolean, parseInteger, type SourceLocation } from '@tributary/base';
import type { Parser } from '../parser.js';
import { ParserError } from '../parser-error.js';
import type { SectionEntry } from '../parser-section.js';
import type { MultilineDefinition, MultilineRule } from './multiline-definition.js';

/** `"from_state[,from2]" "/regex/flags" "next_state"`: quoted or bare tokens, the third optional. */
function ruleOf(entry: SectionEntry, fail: (entry: SectionEntry, message: string) => never): MultilineRule {
  const tokens = [...entry.value.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((match) => (match[1] !== undefined ? match[1].replace(/\\"/g, '"') : match[2]!));
  if (tokens.length < 2 || tokens.length > 3) fail(entry, `a rule is '"from_state" "/regex/" "next_state"', got '${entry.value}'.`);
  return { from: tokens[0]!.split(',').map((state) => state.trim()), regex: tokens[1]!, to: tokens[2] };
}

/** A `[MULTILINE_PARSER]` section as a definition (`flb_parser_load_multiline_parser_definitions`); errors name the file and line. */
export function multilineDefinitionFrom(entries: readonly SectionEntry[], section: SourceLocation | undefined, findParser: (name: string) => Parser | undefined): MultilineDefinition {
  const fail = (entry: SectionEntry | undefined, message: string): never => {
    throw new ParserError('PARSER_DEFINITION', atLocation(entry?.source ?? section, message));
  };
  const get = (key: string) => entries.find((entry) => entry.key.toLowerCase() === key && entry.value !== '');
  const name = get('name')?.value ?? fail(undefined, "a [MULTILINE_PARSER] section needs a 'name'.");
  const typeEntry = get('type');
  const type = typeEntry?.value.toLowerCase();
  if (type !== 'regex' && type !== 'endswith' && type !== 'equal' && type !== 'eq') {
    return fail(typeEntry, `multiline parser '${name}' needs 'type' regex, endswith or equal${typeEntry ? `, got '${typeEntry.value}'` : ''}.`);
  }
  const parserEntry = get('parser');
  const parser = parserEntry ? (findParser(parserEntry.value) ?? fail(parserEntry, `multiline parser '${name}': parser '${parserEntry.value}' is not defined before it.`)) : undefined;
  const negateEntry = get('negate');
  const flushEntry = get('flush_timeout');
  const flushMs = flushEntry ? (parseInteger(flushEntry.value) ?? fail(flushEntry, `'flush_timeout' is milliseconds, got '${flushEntry.value}'.`)) : undefined;
  const rules = entries.filter((entry) => entry.key.toLowerCase() === 'rule').map((entry) => ruleOf(entry, fail));
  return {
    name,
    type: type === 'eq' ? 'equal' : type,
    matchString: get('match_string')?.value,
    negate: negateEntry ? (parseBoolean(negateEntry.value) ?? fail(negateEntry, `'negate' must be on or off, got '${negateEntry.value}'.`)) : undefined,
    keyContent: get('key_content')?.value,
    keyPattern: get('key_pattern')?.value,
    keyGroup: get('key_group')?.value,
    parser,
    flushMs,
    rules,
  };
}
