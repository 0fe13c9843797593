import type { Logger } from '@tributary/base';
import type { ConfigMap, ConfigOf, Property } from './config-map.js';
import type { RecordMap } from './record-map.js';
import type { MultilineJoiner, MultilineSink, TextParser } from './text-parser.js';

/**
 * One log event passing through the filters: its time, metadata and body, which a filter may
 * change in place (or replace). The maps are read from the record's bytes once for the whole
 * chain, and what no filter touched is written back as it came.
 */
export interface FilterEvent {
  sec: number;
  nsec: number;
  metadata: RecordMap;
  body: RecordMap;
}

/**
 * What a filter made of one event, Fluent Bit's FLB_FILTER_NOTOUCH / MODIFIED with the
 * record count it implies: `keep` (untouched), `modified` (changed in place), `drop`, or the
 * events that replace it (none, one, several: a Lua filter returning a table of records).
 */
export type FilterResult = 'keep' | 'modified' | 'drop' | readonly FilterEvent[];

/** An internal input that takes re-tagged records back to the start of the pipeline (Fluent Bit's `in_emitter`). */
export interface FilterEmitter {
  /** The emitter input's name (`Emitter_Name`), e.g. `emitter_for_rewrite_tag.0`. */
  readonly name: string;
  /** Appends one event under `tag`; false when the emitter is paused (its Mem_Buf_Limit) or stopped. */
  emit(tag: string, event: FilterEvent): boolean;
}

/** What a filter instance gets from the engine. */
export interface FilterContext<C> {
  readonly config: C;
  /** Every plugin property as written, in order, `match`, `match_regex`, `alias` and `log_level` excluded. */
  readonly properties: readonly Property[];
  /** The instance name, e.g. `grep.0`, or its `Alias`. */
  readonly name: string;
  readonly log: Logger;
  /** The parser of that name (a Parsers_File's, else a stock one); throws, naming it, when there is none. */
  parser(name: string): TextParser;
  /** A multiline joiner running these `multiline.parser`s (`keyContent` for all of them); throws, naming it, for one not defined. */
  multiline(names: readonly string[], sink: MultilineSink, options?: { readonly keyContent?: string }): MultilineJoiner;
  /**
   * Creates this filter's emitter input (at most one, during init): records emitted there
   * re-enter the pipeline from the first filter, with their own Mem_Buf_Limit, and are never
   * offered back to the filter that emitted them.
   */
  emitter(options: { readonly name: string; readonly memBufLimit: number }): FilterEmitter;
  /** Runs `tick` every `ms` milliseconds until shutdown (throttle's window). */
  every(ms: number, tick: () => void): void;
}

/** A running filter instance. */
export interface FilterInstance {
  /** Filters one event appended under `tag`. A throw counts an error and keeps the event as it was. */
  filter(event: FilterEvent, tag: string): FilterResult;
  /** Called when shutdown starts, before inputs pause: emit what the filter holds (multiline's pending messages). */
  drain?(): void;
  /** Called once at shutdown, after the outputs exited. */
  exit?(): void | Promise<void>;
}

/** A filter plugin: one declarative object, as Fluent Bit's `flb_filter_plugin`. */
export interface FilterPlugin<M extends ConfigMap = ConfigMap> {
  readonly kind: 'filter';
  readonly name: string;
  readonly description: string;
  readonly configMap: M;
  init(context: FilterContext<ConfigOf<M>>): FilterInstance | Promise<FilterInstance>;
}

/** Declares a filter plugin with its config type inferred from its declaration. */
export function defineFilter<const M extends ConfigMap>(plugin: Omit<FilterPlugin<M>, 'kind'>): FilterPlugin<M> {
  return { kind: 'filter', ...plugin };
}
