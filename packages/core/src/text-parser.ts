import { CoreError } from './errors.js';

/**
 * What an input needs of a parser: the record and time one text gives, or undefined when it
 * does not parse. `@tributary/parsers` provides them; core only names the seam.
 */
export interface TextParser {
  readonly name: string;
  parse(text: string): { readonly record: Record<string, unknown>; readonly time: { readonly sec: number; readonly nsec: number } | undefined } | undefined;
}

/** Joins the lines of one source into multiline messages (Fluent Bit's multiline engine, one stream). */
export interface MultilineJoiner {
  append(text: string, time?: { readonly sec: number; readonly nsec: number }): void;
  /** Joins a record's key-content text; a message keeps its first record's other keys (the multiline filter). */
  appendRecord(record: Record<string, unknown>, time?: { readonly sec: number; readonly nsec: number }): void;
  /** Emits every pending message (on a timer of `flushMs`). */
  flush(): void;
  readonly flushMs: number;
}

/** Where a joiner sends each message: its record, the time of its first line (undefined: now), and whether it was cut at `multiline_buffer_limit`. */
export type MultilineSink = (record: Record<string, unknown>, time: { readonly sec: number; readonly nsec: number } | undefined, truncated: boolean) => void;

/** The parsers a pipeline knows (its Parsers_Files and Fluent Bit's stock ones), by name. */
export interface ParserLookup {
  find(name: string): TextParser | undefined;
  /**
   * A joiner running these multiline parsers in order; throws, naming it, for a name not
   * defined. `keyContent` overrides every parser's `key_content` (the multiline filter's).
   */
  multiline?(names: readonly string[], sink: MultilineSink, options?: { readonly keyContent?: string }): MultilineJoiner;
}

/**
 * The `parser` and `multiline` of a plugin context (an input's, a filter's) over a pipeline's
 * parsers: a name that is not defined is an error naming the instance and how to define it.
 */
export function parserAccess(instance: string, parsers: ParserLookup | undefined): {
  parser(name: string): TextParser;
  multiline(names: readonly string[], sink: MultilineSink, options?: { readonly keyContent?: string }): MultilineJoiner;
} {
  return {
    parser(name) {
      const found = parsers?.find(name);
      if (!found) throw new CoreError('UNKNOWN_PARSER', `${instance}: parser '${name}' is not defined. Define it in a [PARSER] section of a Parsers_File, or name one of Fluent Bit's stock parsers.`);
      return found;
    },
    multiline(names, sink, options) {
      if (!parsers?.multiline) throw new CoreError('UNKNOWN_PARSER', `${instance}: no multiline parsers are available to this pipeline.`);
      return parsers.multiline(names, sink, options);
    },
  };
}
