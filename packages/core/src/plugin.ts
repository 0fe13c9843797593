import type { Logger } from '@tributary/base';
import type { ConfigMap, ConfigOf, Property } from './config-map.js';
import type { EncodedOrObject, EventFormat } from './event-codec.js';
import type { InstanceMetrics } from './metrics.js';
import type { MultilineJoiner, MultilineSink, TextParser } from './text-parser.js';
import type { NetworkSettings, NetworkSpec } from './network.js';
import type { Timer } from './scheduler.js';

/** The network settings a plugin's context carries: typed for a plugin that declares a network spec. */
export type NetworkOf<S extends NetworkSpec | undefined> = S extends NetworkSpec ? NetworkSettings : undefined;

/** Where the process is in Fluent Bit's hot-reload cycle, as a plugin's pre-run and pre-exit see it. */
export interface Lifecycle {
  /** `Hot_Reload On` in the running configuration (Go's `PreRun(enable_hot_reload)`). */
  readonly hotReloadEnabled: boolean;
  /** The pipeline is stopping for a hot reload (Go's `PreExit(shutdown_by_hot_reloading)`). */
  readonly hotReloading: boolean;
}

/** What an input instance gets from the engine. */
export interface InputContext<C, N = NetworkSettings | undefined> {
  /** The typed properties of this instance. */
  readonly config: C;
  /** Hot-reload state, read when the pre-run and pre-exit hooks run. */
  readonly lifecycle?: Lifecycle;
  /** Every plugin property as written, in order, the core keys (tag, mem_buf_limit ...) excluded. */
  readonly properties: readonly Property[];
  /** The instance name, e.g. `dummy.0`, or its `Alias`. */
  readonly name: string;
  /** The tag records get unless an append names another: `Tag`, else `<plugin>.<id>`. */
  readonly tag: string;
  /** Whether `Tag` was set for this instance (in_forward then uses it instead of the sender's). */
  readonly tagIsSet: boolean;
  readonly log: Logger;
  /** `Listen`, `Port`, `tls.*`, `net.*`: for a plugin that declares `network`. */
  readonly net: N;
  /** This instance's counters, which the plugin may add to (`restarts`). */
  readonly metrics: InstanceMetrics;
  /**
   * Appends one record, stamped now, under the instance's tag. The body may be an object or
   * msgpack bytes of a map (encoded once and reused; copied before this returns). Returns false when the input is paused
   * (Mem_Buf_Limit, shutdown) and the record was refused. With `storage.type filesystem` the
   * records appended in one turn of the event loop reach their chunk file together when the turn
   * ends: reply to a peer from a later callback or promise reaction, never synchronously.
   */
  append(body: EncodedOrObject, metadata?: EncodedOrObject): boolean;
  /** Appends one record, stamped now, under another tag. */
  appendTagged(tag: string, body: EncodedOrObject, metadata?: EncodedOrObject): boolean;
  /** Appends one record with its own time; `tag` defaults to the instance's. */
  appendAt(sec: number, nsec: number, body: EncodedOrObject, metadata?: EncodedOrObject, tag?: string): boolean;
  /**
   * Appends events already encoded as Fluent Bit encodes them (v2 or legacy, back to back),
   * under the instance's tag (or `tag`), as `flb_input_log_append` takes a plugin's msgpack: all at once,
   * which may take the input past Mem_Buf_Limit and pause it afterwards. Returns how many were
   * appended: 0 while paused; bytes that are not events throw a CoreError (EVENT_FORMAT) and
   * append none.
   */
  appendEvents(bytes: Uint8Array, tag?: string): number;
  /**
   * Asks the process to shut down as if signalled (Fluent Bit's engine exit request), e.g.
   * `stdin` at end of input: the application awaits `Engine.stopRequested`, then stops the
   * engine, which flushes what is buffered within Grace.
   */
  requestStop(reason: string): void;
  /**
   * The parser of that name (a Parsers_File's, else a stock one); throws an error naming it,
   * and how to define it, when there is none.
   */
  parser(name: string): TextParser;
  /** A multiline joiner for one source running these `multiline.parser`s; throws, naming it, for one not defined. */
  multiline(names: readonly string[], sink: MultilineSink): MultilineJoiner;
  /** True while the engine has paused this input (Mem_Buf_Limit, shutdown): appends are refused. */
  readonly paused: boolean;
  /**
   * Calls `collect` every `ms` milliseconds while the input is running and not paused; the
   * engine owns the timer, so pause, resume and shutdown need nothing from the plugin.
   */
  collectEvery(ms: number, collect: () => void): Timer;
}

/** A running input instance. */
export interface InputInstance {
  /** Called when the engine pauses the input (Mem_Buf_Limit reached, or shutdown). */
  pause?(): void;
  /** Called when the engine resumes a paused input. */
  resume?(): void;
  /** Called once at shutdown, after the last flush. */
  exit?(): void | Promise<void>;
  /** Why the instance is unhealthy right now (a plugin host crashing in a loop), else undefined: `/api/v1/health`. */
  health?(): string | undefined;
}

/** An input plugin: one declarative object, as Fluent Bit's `flb_input_plugin`. */
export interface InputPlugin<M extends ConfigMap = ConfigMap, S extends NetworkSpec | undefined = NetworkSpec | undefined> {
  readonly kind: 'input';
  readonly name: string;
  readonly description: string;
  /** Declared properties; `undefined` accepts any property unchecked, as Fluent Bit does for Go plugins. */
  readonly configMap: M | undefined;
  /** Set when the plugin listens or connects: the core resolves `Listen`/`Port`/`tls.*`/`net.*` for it. */
  readonly network?: S;
  init(context: InputContext<ConfigOf<M>, NetworkOf<S>>): InputInstance | Promise<InputInstance>;
}

/** The outcome of one flush, Fluent Bit's FLB_OK / FLB_RETRY / FLB_ERROR. */
export type FlushResult = 'ok' | 'retry' | 'error';

/** One chunk handed to an output: all records share one tag. */
export interface FlushChunk {
  /** Concatenated msgpack records, in the format the output asked for. */
  readonly data: Uint8Array;
  readonly tag: string;
  readonly records: number;
}

/** What an output instance gets from the engine. */
export interface OutputContext<C, N = NetworkSettings | undefined> {
  readonly config: C;
  /** Every plugin property as written, in order, the core keys (match, workers, host ...) excluded. */
  readonly properties: readonly Property[];
  /** The instance name, e.g. `stdout.0`, or its `Alias`. */
  readonly name: string;
  readonly log: Logger;
  /** Flushes of this instance that may run at once (`Workers`, at least 1). */
  readonly workers: number;
  /** This instance's counters, which the plugin may add to (`restarts`). */
  readonly metrics: InstanceMetrics;
  /** `Host`, `Port`, `tls.*`, `net.*`: for a plugin that declares `network`. */
  readonly net: N;
  /** Hot-reload state, read when the pre-run and pre-exit hooks run. */
  readonly lifecycle?: Lifecycle;
}

/** A running output instance. */
export interface OutputInstance {
  /** The record layout this instance wants; `v2` unless it says otherwise. The one place the format is decided. */
  readonly eventFormat?: EventFormat;
  /** Called once every output is initialised, before the first flush (Fluent Bit's pre-run). */
  preRun?(): void | Promise<void>;
  flush(chunk: FlushChunk): FlushResult | Promise<FlushResult>;
  /** Called when the instance exits, before `exit` (Fluent Bit's pre-exit hook). */
  preExit?(): void | Promise<void>;
  exit?(): void | Promise<void>;
  /** Why the instance is unhealthy right now (a plugin host crashing in a loop), else undefined: `/api/v1/health`. */
  health?(): string | undefined;
}

/** An output plugin: one declarative object, as Fluent Bit's `flb_output_plugin`. */
export interface OutputPlugin<M extends ConfigMap = ConfigMap, S extends NetworkSpec | undefined = NetworkSpec | undefined> {
  readonly kind: 'output';
  readonly name: string;
  readonly description: string;
  /** Declared properties; `undefined` accepts any property unchecked, as Fluent Bit does for Go plugins. */
  readonly configMap: M | undefined;
  /** Set when the plugin connects: the core resolves `Host`/`Port`/`tls.*`/`net.*` for it. */
  readonly network?: S;
  init(context: OutputContext<ConfigOf<M>, NetworkOf<S>>): OutputInstance | Promise<OutputInstance>;
}

/** What a custom plugin instance gets from the engine (`[CUSTOM]` sections, Fluent Bit's `flb_custom`). */
export interface CustomContext<C> {
  readonly config: C;
  /** Every plugin property as written, in order, `alias` and `log_level` excluded. */
  readonly properties: readonly Property[];
  /** The instance name, e.g. `calyptia.0`, or its `Alias`. */
  readonly name: string;
  readonly log: Logger;
}

/** A running custom instance. */
export interface CustomInstance {
  /** Called once at shutdown, after the outputs exited and before the inputs do. */
  exit?(): void | Promise<void>;
}

/**
 * A custom plugin: no records, only a lifecycle — initialised before every input and output,
 * exited after the outputs — as Fluent Bit's `flb_custom_plugin`.
 */
export interface CustomPlugin<M extends ConfigMap = ConfigMap> {
  readonly kind: 'custom';
  readonly name: string;
  readonly description: string;
  /** Declared properties; `undefined` accepts any property unchecked, as Fluent Bit does for Go plugins. */
  readonly configMap: M | undefined;
  init(context: CustomContext<ConfigOf<M>>): CustomInstance | Promise<CustomInstance>;
}

/** Declares an input plugin with its config (and network) types inferred from its declaration. */
export function defineInput<const M extends ConfigMap, const S extends NetworkSpec | undefined = undefined>(
  plugin: Omit<InputPlugin<M, S>, 'kind'>,
): InputPlugin<M, S> {
  return { kind: 'input', ...plugin };
}

/** Declares an output plugin with its config (and network) types inferred from its declaration. */
export function defineOutput<const M extends ConfigMap, const S extends NetworkSpec | undefined = undefined>(
  plugin: Omit<OutputPlugin<M, S>, 'kind' | 'configMap'> & { configMap: M },
): OutputPlugin<M, S> {
  return { kind: 'output', ...plugin };
}
