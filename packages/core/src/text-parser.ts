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
  /** Emits every pending message (on a timer of `flushMs`). */
  flush(): void;
  readonly flushMs: number;
}

/** Where a joiner sends each message: its record, the time of its first line (undefined: now), and whether it was cut at `multiline_buffer_limit`. */
export type MultilineSink = (record: Record<string, unknown>, time: { readonly sec: number; readonly nsec: number } | undefined, truncated: boolean) => void;

/** The parsers a pipeline knows (its Parsers_Files and Fluent Bit's stock ones), by name. */
export interface ParserLookup {
  find(name: string): TextParser | undefined;
  /** A joiner running these multiline parsers in order; throws, naming it, for a name not defined. */
  multiline?(names: readonly string[], sink: MultilineSink): MultilineJoiner;
}
