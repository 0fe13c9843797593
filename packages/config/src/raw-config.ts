import type { SourceLocation } from '@tributary/base';

/** One `key value` line, the key lower-cased as Fluent Bit's classic reader does. */
export interface RawEntry {
  readonly key: string;
  readonly value: string;
  readonly source: SourceLocation;
}

/** The section types Fluent Bit recognises; anything else is `other`. */
export type SectionType =
  | 'service'
  | 'input'
  | 'filter'
  | 'output'
  | 'custom'
  | 'parser'
  | 'multiline_parser'
  | 'plugins'
  | 'stream_processor'
  | 'upstream_servers'
  | 'other';

/** A `[SECTION]` with its entries in order (duplicates kept). */
export interface RawSection {
  readonly type: SectionType;
  /** The header text, e.g. `INPUT`. */
  readonly header: string;
  readonly entries: RawEntry[];
  readonly source: SourceLocation;
  /** YAML `processors.logs` of an input or output: filter sections, in order, run on its records only. */
  readonly processors?: readonly RawSection[];
}

/** A classic file with its includes read: sections in order and the `@SET` variables. */
export interface RawConfig {
  readonly sections: RawSection[];
  readonly variables: Map<string, string>;
  /** Every file read, the main one first. */
  readonly files: string[];
}
