/**
 * What an input needs of a parser: the record and time one text gives, or undefined when it
 * does not parse. `@tributary/parsers` provides them; core only names the seam.
 */
export interface TextParser {
  readonly name: string;
  parse(text: string): { readonly record: Record<string, unknown>; readonly time: { readonly sec: number; readonly nsec: number } | undefined } | undefined;
}

/** The parsers a pipeline knows (its Parsers_Files and Fluent Bit's stock ones), by name. */
export interface ParserLookup {
  find(name: string): TextParser | undefined;
}
