import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParser } from './parser.js';
import { ParserError } from './parser-error.js';
import { parserDefinitionFrom } from './parser-section.js';
import { multilineDefinitionFrom } from './multiline/multiline-section.js';
import { MultilineParser } from './multiline/multiline-stream.js';

const entry = fc.record({
  key: fc.constantFrom('name', 'format', 'regex', 'time_key', 'time_format', 'time_keep', 'types', 'decode_field_as', 'type', 'match_string', 'rule', 'flush_timeout', 'key_content', 'negate', 'parser', 'other'),
  value: fc.oneof(fc.constantFrom('x', 'json', 'regex', 'logfmt', 'endswith', 'on', '%Y', '^(?<a>.*)$', 'json log', '"start_state" "/a/" "cont"', '"cont" "/b/" "cont"', '1000'), fc.string({ maxLength: 12 })),
});

/** Runs `build`; only a ParserError may come out of it. */
function onlyParserErrors(build: () => unknown): void {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ParserError);
  }
}

describe('section readers on any entries', () => {
  it('a [PARSER] section gives a parser or a ParserError, never another exception', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), (entries) => onlyParserErrors(() => createParser(parserDefinitionFrom(entries, { file: 'p.conf', line: 1 }).definition))));
  });

  it('a [MULTILINE_PARSER] section gives a multiline parser or a ParserError', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), (entries) => onlyParserErrors(() => new MultilineParser(multilineDefinitionFrom(entries, { file: 'p.conf', line: 1 }, () => undefined)))));
  });
});
