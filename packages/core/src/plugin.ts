import type { ConfigMap, ConfigOf, Property } from './config-map.js';
import type { EncodedOrObject, EventFormat } from './event-codec.js';
import type { EventTime } from './event-time.js';
import type { Logger } from './logger.js';
import type { Timer } from './scheduler.js';

/** Options of one `append`: all optional, defaulting to now, no metadata and the input's tag. */
export interface AppendOptions {
  time?: EventTime;
  metadata?: EncodedOrObject;
  tag?: string;
}

/** What an input instance gets from the engine. */
export interface InputContext<C> {
  /** The typed properties of this instance. */
  readonly config: C;
  /** The instance name, e.g. `dummy.0`. */
  readonly name: string;
  /** The tag records get unless `append` names another: `Tag`, else `<plugin>.<id>`. */
  readonly tag: string;
  readonly log: Logger;
  /**
   * Appends one record. The body may be an object or msgpack bytes of a map (encoded once and
   * reused). Returns false when the input is paused (Mem_Buf_Limit) and the record was refused.
   */
  append(body: EncodedOrObject, options?: AppendOptions): boolean;
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
}

/** An input plugin: one declarative object, as Fluent Bit's `flb_input_plugin`. */
export interface InputPlugin<M extends ConfigMap = ConfigMap> {
  readonly kind: 'input';
  readonly name: string;
  readonly description: string;
  readonly configMap: M;
  init(context: InputContext<ConfigOf<M>>): InputInstance | Promise<InputInstance>;
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
export interface OutputContext<C> {
  readonly config: C;
  /** Every property as written, in order, the core keys (match, workers ...) excluded. */
  readonly properties: readonly Property[];
  /** The instance name, e.g. `stdout.0`, or its `Alias`. */
  readonly name: string;
  readonly log: Logger;
  /** Flushes of this instance that may run at once (`Workers`, at least 1). */
  readonly workers: number;
}

/** A running output instance. */
export interface OutputInstance {
  /** The record layout this instance wants, when it differs from its plugin's. */
  readonly eventFormat?: EventFormat;
  /** Called once every output is initialised, before the first flush (Fluent Bit's pre-run). */
  preRun?(): void | Promise<void>;
  flush(chunk: FlushChunk): FlushResult | Promise<FlushResult>;
  /** Called when the instance exits, before `exit` (Fluent Bit's pre-exit hook). */
  preExit?(): void | Promise<void>;
  exit?(): void | Promise<void>;
}

/** An output plugin: one declarative object, as Fluent Bit's `flb_output_plugin`. */
export interface OutputPlugin<M extends ConfigMap = ConfigMap> {
  readonly kind: 'output';
  readonly name: string;
  readonly description: string;
  /** Declared properties; `undefined` accepts any property unchecked, as Fluent Bit does for Go plugins. */
  readonly configMap: M | undefined;
  /** The record layout this output wants; `v2` unless it says otherwise. */
  readonly eventFormat?: EventFormat;
  /** Whether `tls on` is accepted; Fluent Bit refuses it for plugins without TLS support. */
  readonly supportsTls?: boolean;
  init(context: OutputContext<ConfigOf<M>>): OutputInstance | Promise<OutputInstance>;
}

/** Declares an input plugin with its config type inferred from the config map. */
export function defineInput<const M extends ConfigMap>(plugin: Omit<InputPlugin<M>, 'kind'>): InputPlugin<M> {
  return { kind: 'input', ...plugin };
}

/** Declares an output plugin with its config type inferred from the config map. */
export function defineOutput<const M extends ConfigMap>(
  plugin: Omit<OutputPlugin<M>, 'kind' | 'configMap'> & { configMap: M },
): OutputPlugin<M> {
  return { kind: 'output', ...plugin };
}
