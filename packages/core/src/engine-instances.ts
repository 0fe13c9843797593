import { messageOf, parseBoolean, parseSize, type Logger, type LogLevel } from '@tributary/base';
import type { ChunkStore } from './chunk-store.js';
import { CoreError } from './errors.js';
import { resolveConfig, type ConfigMap, type ConfigOf, type Property } from './config-map.js';
import { InputBuffer, NOW, type InputBufferHooks, type InputStorage } from './input-buffer.js';
import { createMetrics } from './metrics.js';
import { resolveNetwork, isNetworkKey } from './network.js';
import { OutputQueue, type OutputQueueOptions } from './output-queue.js';
import type { CustomContext, CustomInstance, CustomPlugin, InputContext, InputInstance, InputPlugin, Lifecycle, OutputContext, OutputInstance, OutputPlugin } from './plugin.js';
import type { RouteSpec } from './match.js';
import { routeOf } from './router.js';
import type { Scheduler, Timer } from './scheduler.js';
import { parserAccess, type ParserLookup } from './text-parser.js';
import type { FilterEmitter } from './filter-plugin.js';
import type { ChunksUp } from './storage/chunks-up.js';
import type { EngineFilterSpec } from './engine-filters.js';
import type { FilterStage } from './filter-stage.js';

/** One `[INPUT]` of the pipeline. */
export interface EngineInputSpec {
  readonly plugin: InputPlugin;
  readonly tag?: string | undefined;
  readonly alias?: string | undefined;
  /** Mem_Buf_Limit in bytes; 0 is unlimited. */
  readonly memBufLimit?: number | undefined;
  readonly logLevel?: LogLevel | undefined;
  /** The plugin's own properties. */
  readonly properties?: readonly Property[];
  /** The keys Fluent Bit's core consumes (Listen, Port, tls.*, net.* ...), never shown to the plugin. */
  readonly coreProperties?: readonly Property[];
  /** YAML `processors.logs`: filters run on every record it appends, before the pipeline's filters (their Match is not used). */
  readonly processors?: readonly EngineFilterSpec[];
}

/** One `[OUTPUT]` of the pipeline. */
export interface EngineOutputSpec extends RouteSpec {
  readonly plugin: OutputPlugin;
  readonly alias?: string | undefined;
  /** Retries per chunk: −1 unlimited, 0 none; Fluent Bit's default is 1. */
  readonly retryLimit?: number | undefined;
  /** Concurrent flushes of this instance; 0 and 1 both mean one at a time. */
  readonly workers?: number | undefined;
  readonly logLevel?: LogLevel | undefined;
  readonly properties?: readonly Property[];
  readonly coreProperties?: readonly Property[];
  /** YAML `processors.logs`: filters run on the records of each chunk before it is flushed (their Match is not used). */
  readonly processors?: readonly EngineFilterSpec[];
}

/** One `[CUSTOM]` of the pipeline. */
export interface EngineCustomSpec {
  readonly plugin: CustomPlugin;
  readonly alias?: string | undefined;
  readonly logLevel?: LogLevel | undefined;
  readonly properties?: readonly Property[];
}

/** A custom instance: its name and log, how to start it, and the running instance. */
export interface CustomSlot {
  readonly name: string;
  readonly log: Logger;
  readonly init: () => Promise<CustomInstance>;
  instance: CustomInstance | undefined;
}

/** Validates a `[CUSTOM]` and builds its context. */
export function createCustomSlot(spec: EngineCustomSpec, index: number, engineLog: Logger): CustomSlot {
  const { plugin } = spec;
  const name = spec.alias ?? `${plugin.name}.${index}`;
  const log = engineLog.child(`custom:${plugin.name}:${name}`, spec.logLevel);
  const properties = spec.properties ?? [];
  const config = plugin.configMap === undefined ? {} : resolveConfig(name, plugin.configMap, properties, (message) => log.warn(message));
  const context: CustomContext<ConfigOf<ConfigMap>> = { config, properties, name, log };
  return { name, log, init: async () => plugin.init(context as never), instance: undefined };
}

/** An input's buffer and how to start its instance. */
export interface InputSlot {
  readonly buffer: InputBuffer;
  init(): Promise<InputInstance>;
}

/** An output's queue and how to start its instance. */
export interface OutputSlot {
  readonly queue: OutputQueue;
  init(): Promise<OutputInstance>;
}

/** What an input's context needs of the engine. */
interface EngineSide {
  readonly log: Logger;
  readonly scheduler: Scheduler;
  isRunning(): boolean;
  requestStop(reason: string): void;
  readonly parsers: ParserLookup | undefined;
  /** The file store of an input with `storage.type filesystem`; undefined when no `storage.path` is set. */
  fileStore(input: string): ChunkStore | undefined;
  /** `storage.max_chunks_up`, shared by the filesystem inputs; undefined when no `storage.path` is set. */
  readonly chunksUp: ChunksUp | undefined;
  readonly lifecycle: Lifecycle;
}

const lastOf = (properties: readonly Property[], key: string) => properties.findLast((property) => property.key.toLowerCase() === key);

/**
 * `storage.type`: memory (the default), filesystem (chunks in files as well), or memrb (memory,
 * dropping the oldest chunks when full); `storage.pause_on_chunks_overlimit` for filesystem.
 */
function inputStorage(name: string, properties: readonly Property[], hooks: InputBufferHooks, engine: EngineSide, log: Logger): { hooks: InputBufferHooks; storage: InputStorage } {
  const setting = lastOf(properties, 'storage.type');
  const type = setting?.value.trim().toLowerCase() ?? 'memory';
  const pauseSetting = lastOf(properties, 'storage.pause_on_chunks_overlimit');
  const pauseOnChunksOverlimit = pauseSetting === undefined ? false : parseBoolean(pauseSetting.value);
  if (pauseOnChunksOverlimit === undefined) {
    throw new CoreError('INVALID_PROPERTY', `${name}: storage.pause_on_chunks_overlimit is on or off, not '${pauseSetting!.value}'.`);
  }
  if (pauseOnChunksOverlimit && type !== 'filesystem') log.warn(`storage.pause_on_chunks_overlimit has effect only with storage.type filesystem: ignored for storage.type ${type}`);
  if (type === 'memory' || type === 'memrb') return { hooks, storage: { type } };
  if (type === 'filesystem') {
    const store = engine.fileStore(name);
    if (store === undefined) throw new CoreError('INVALID_PROPERTY', `${name}: storage.type filesystem needs a folder for the chunks: set storage.path in [SERVICE] (or -b).`);
    return { hooks: { ...hooks, store, chunksUp: engine.chunksUp }, storage: { type, pauseOnChunksOverlimit } };
  }
  throw new CoreError('INVALID_PROPERTY', `${name}: storage.type must be memory, filesystem or memrb, not '${setting!.value}'.`);
}

/** `storage.total_limit_size` of an output in bytes; undefined when unlimited (unset). */
function totalLimitSize(name: string, properties: readonly Property[]): number | undefined {
  const setting = lastOf(properties, 'storage.total_limit_size');
  if (setting === undefined) return undefined;
  const bytes = parseSize(setting.value);
  if (bytes === undefined || bytes <= 0) throw new CoreError('INVALID_PROPERTY', `${name}: storage.total_limit_size is a size such as 500M, not '${setting.value}'.`);
  return bytes;
}

/**
 * Core keys Fluent Bit acts on that Tributary does not: setting one warns, never silently does
 * nothing. (Network keys are resolved by `resolveNetwork`; `handled` are read by the caller.)
 */
function warnUnsupportedCoreKeys(instance: string, properties: readonly Property[], handled: ReadonlySet<string>, log: Logger): void {
  for (const property of properties) {
    if (isNetworkKey(property.key.toLowerCase()) || handled.has(property.key.toLowerCase())) continue;
    log.warn(`'${property.key}' of ${instance} is not supported by Tributary and has no effect.`);
  }
}

const INPUT_STORAGE_KEYS: ReadonlySet<string> = new Set(['storage.type', 'storage.pause_on_chunks_overlimit']);
const OUTPUT_STORAGE_KEYS: ReadonlySet<string> = new Set(['storage.total_limit_size']);

/** Validates an `[INPUT]` (properties, network keys) and builds its buffer and context. */
export function createInputSlot(spec: EngineInputSpec, index: number, hooks: InputBufferHooks, engine: EngineSide): InputSlot {
  const { plugin } = spec;
  const name = spec.alias ?? `${plugin.name}.${index}`;
  const log = engine.log.child(`input:${plugin.name}:${name}`, spec.logLevel);
  const properties = spec.properties ?? [];
  const config = plugin.configMap === undefined ? {} : resolveConfig(name, plugin.configMap, properties, (message) => log.warn(message));
  const core = spec.coreProperties ?? [];
  const net = resolveNetwork(name, plugin.network, core, log);
  warnUnsupportedCoreKeys(name, core, INPUT_STORAGE_KEYS, log);
  const storage = inputStorage(name, core, hooks, engine, log);
  const buffer = new InputBuffer(index, name, spec.tag ?? `${plugin.name}.${index}`, spec.memBufLimit ?? 0, log, createMetrics(name), storage.hooks, storage.storage);
  const context: InputContext<ConfigOf<ConfigMap>> = {
    config,
    lifecycle: engine.lifecycle,
    properties,
    name,
    tag: buffer.tag,
    tagIsSet: spec.tag !== undefined,
    log,
    net,
    metrics: buffer.metrics,
    append: (body, metadata) => buffer.append(buffer.tag, NOW, 0, body, metadata),
    appendTagged: (tag, body, metadata) => buffer.append(tag, NOW, 0, body, metadata),
    appendAt: (sec, nsec, body, metadata, tag) => buffer.append(tag ?? buffer.tag, sec, nsec, body, metadata),
    appendEvents: (bytes, tag) => buffer.appendEvents(tag ?? buffer.tag, bytes),
    requestStop: (reason) => engine.requestStop(`${name}: ${reason}`),
    ...parserAccess(name, engine.parsers),
    get paused() {
      return buffer.paused;
    },
    collectEvery: (ms: number, collect: () => void): Timer =>
      engine.scheduler.every(ms, () => {
        if (!engine.isRunning() || buffer.paused) return;
        try {
          collect();
        } catch (error) {
          log.error(`collector failed: ${messageOf(error)}`);
        }
      }),
  };
  return { buffer, init: async () => plugin.init(context as never) };
}

/**
 * The input behind a filter's emitter (Fluent Bit's `in_emitter`): a buffer of its own, with its
 * Mem_Buf_Limit and metrics, and no plugin instance; what it takes starts the filter chain again.
 */
export function createEmitterSlot(
  index: number,
  name: string,
  memBufLimit: number,
  engineLog: Logger,
  hooks: InputBufferHooks,
  /** What its pausing does: pausing the inputs that feed its filter. */
  instance: InputInstance,
): InputSlot & { readonly emitter: FilterEmitter } {
  const buffer = new InputBuffer(index, name, name, memBufLimit, engineLog.child(`input:emitter:${name}`), createMetrics(name), hooks);
  buffer.instance = instance;
  return {
    buffer,
    init: async () => instance,
    emitter: { name, emit: (tag, event) => buffer.append(tag, event.sec, event.nsec, event.body, event.metadata) },
  };
}

/** Validates an `[OUTPUT]` (properties, network keys, route) and builds its queue and context. */
export function createOutputSlot(
  spec: EngineOutputSpec,
  index: number,
  loneInputAndOutput: boolean,
  queues: Pick<OutputQueueOptions, 'scheduler' | 'backoff' | 'random' | 'settled' | 'rejected'>,
  engineLog: Logger,
  lifecycle: Lifecycle,
  /** Its processors, when it has any. */
  processors?: FilterStage,
): OutputSlot {
  const { plugin } = spec;
  const name = spec.alias ?? `${plugin.name}.${index}`;
  const log = engineLog.child(`output:${plugin.name}:${name}`, spec.logLevel);
  const properties = spec.properties ?? [];
  const config = plugin.configMap === undefined ? {} : resolveConfig(name, plugin.configMap, properties, (message) => log.warn(message));
  const core = spec.coreProperties ?? [];
  const net = resolveNetwork(name, plugin.network, core, log);
  warnUnsupportedCoreKeys(name, core, OUTPUT_STORAGE_KEYS, log);
  const matches = routeOf(spec, loneInputAndOutput);
  if (!matches) log.warn(`NO match for ${name} output instance: it receives no records. Add 'Match *' or a tag pattern.`);
  const concurrency = Math.max(1, spec.workers ?? 0);
  const queue = new OutputQueue({
    ...queues,
    name,
    matches: matches ?? (() => false),
    retryLimit: spec.retryLimit ?? 1,
    totalLimitSize: totalLimitSize(name, core),
    processors,
    concurrency,
    log,
    metrics: createMetrics(name),
  });
  const context: OutputContext<ConfigOf<ConfigMap>> = { config, properties, name, log, workers: concurrency, net, metrics: queue.metrics, lifecycle };
  return { queue, init: async () => plugin.init(context as never) };
}

/** Takes a slot's running instance off it and runs its exit hooks; a failure is logged, never thrown. */
export async function exitInstance<T>(slot: { instance: T | undefined }, log: Logger, hooks: (instance: T) => Promise<void>): Promise<void> {
  const instance = slot.instance;
  if (instance === undefined) return;
  slot.instance = undefined;
  try {
    await hooks(instance);
  } catch (error) {
    log.error(`exit failed: ${messageOf(error)}`);
  }
}
