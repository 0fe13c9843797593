import { atLocation } from '@tributary/base';
import { readConfigFile } from '@tributary/config';
import type { MultilineJoiner, MultilineSink, ParserLookup } from '@tributary/core';
import {
  BUILTIN_MULTILINE,
  createParser,
  multilineDefinitionFrom,
  MultilineParser,
  MultilineStream,
  ParserError,
  parserDefinitionFrom,
  stockParser,
  type Parser,
} from '@tributary/parsers';

/** The parsers of a pipeline: those of its `Parsers_File`s, then Fluent Bit's stock ones by name. */
export interface ParserCatalog extends ParserLookup {
  /** A parser by name, case-insensitively: a Parsers_File's first, else a stock parser. */
  find(name: string): Parser | undefined;
  /** A multiline joiner for one source: `[MULTILINE_PARSER]`s first, else the built-ins (docker, cri, go, java, python, ruby). */
  multiline(names: readonly string[], sink: MultilineSink, options?: { readonly keyContent?: string }): MultilineJoiner;
  /** The names defined in the Parsers_Files, in order. */
  readonly defined: readonly string[];
  /** What was read but has no effect, with file and line. */
  readonly warnings: readonly string[];
}

/**
 * Reads every `Parsers_File` as Fluent Bit does (`flb_parser_conf_file`): each `[PARSER]` is
 * built and checked now, so a bad regex or time format fails at start with its file and line;
 * a second parser of one name is skipped with Fluent Bit's warning. Multiline messages are cut at
 * `multilineBufferLimit` (`[SERVICE] multiline_buffer_limit`).
 */
export function loadParserCatalog(files: readonly string[], multilineBufferLimit?: number): ParserCatalog {
  const parsers = new Map<string, Parser>();
  const multiline = new Map<string, MultilineParser>();
  const warnings: string[] = [];
  const stock = new Map<string, Parser>();
  const find = (name: string): Parser | undefined => {
    const key = name.toLowerCase();
    const own = parsers.get(key);
    if (own) return own;
    if (!stock.has(key)) {
      const definition = stockParser(key);
      if (definition) stock.set(key, createParser(definition));
    }
    return stock.get(key);
  };
  for (const file of files) {
    for (const section of readConfigFile(file).sections) {
      if (section.type === 'multiline_parser') {
        const definition = multilineDefinitionFrom(section.entries, section.source, find);
        try {
          multiline.set(definition.name.toLowerCase(), new MultilineParser(definition));
        } catch (error) {
          if (error instanceof ParserError) throw new ParserError(error.code, atLocation(section.source, error.message));
          throw error;
        }
        continue;
      }
      if (section.type !== 'parser') {
        warnings.push(atLocation(section.source, `[${section.header}] does not belong in a parsers file and has no effect.`));
        continue;
      }
      const { definition, warnings: found } = parserDefinitionFrom(section.entries, section.source);
      warnings.push(...found);
      const key = definition.name.toLowerCase();
      if (parsers.has(key)) {
        warnings.push(atLocation(section.source, `parser named '${definition.name}' already exists, skip.`));
        continue;
      }
      try {
        parsers.set(key, createParser(definition));
      } catch (error) {
        if (error instanceof ParserError) throw new ParserError(error.code, atLocation(section.source, error.message));
        throw error;
      }
    }
  }
  const builtin = new Map<string, MultilineParser>();
  const multilineParser = (name: string): MultilineParser => {
    const key = name.toLowerCase();
    const own = multiline.get(key);
    if (own) return own;
    if (!builtin.has(key)) {
      const definition = BUILTIN_MULTILINE.find((candidate) => candidate.name === key);
      if (!definition) {
        throw new ParserError('PARSER_DEFINITION', `multiline parser '${name}' is not defined: define it in a [MULTILINE_PARSER] section, or use docker, cri, go, java, python or ruby.`);
      }
      builtin.set(key, new MultilineParser(definition));
    }
    return builtin.get(key)!;
  };
  return {
    defined: [...parsers.values()].map((parser) => parser.name),
    warnings,
    find,
    multiline: (names, sink, options) => new MultilineStream(names.map(multilineParser), sink, multilineBufferLimit, options?.keyContent),
  };
}
