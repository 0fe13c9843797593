export { Chunk, CHUNK_MAX_BYTES } from './chunk.js';
export { MemoryChunkStore, type ChunkStore } from './chunk-store.js';
export { parseProperty, resolveConfig, type ConfigMap, type ConfigOf, type Property, type PropertySpec, type PropertyType } from './config-map.js';
export { Engine, type EngineOptions, type EngineState, type EngineStorageOptions } from './engine.js';
export type { InputStorageStatus } from './input-buffer.js';
export { readChunkFile, type ChunkFileContents } from './storage/chunk-file.js';
export type { EngineCustomSpec, EngineInputSpec, EngineOutputSpec } from './engine-instances.js';
export { CoreError, type CoreErrorCode } from './errors.js';
export { decodeEvents, forEachRawEvent, toLegacyEvents, writeEvent, type EncodedOrObject, type EventFormat, type LogEvent, type RawEventVisitor } from './event-codec.js';
export type { EngineFilterSpec } from './engine-filters.js';
export {
  defineFilter,
  type FilterContext,
  type FilterEmitter,
  type FilterEvent,
  type FilterInstance,
  type FilterPlugin,
  type FilterResult,
} from './filter-plugin.js';
export { createRouteMatcher, matchTag, type RouteSpec } from './match.js';
export { createFilterMetrics, createMetrics, type FilterMetrics, type InstanceMetrics } from './metrics.js';
export { isNetworkKey, networkConfigMap, resolveNetwork, type NetworkSettings, type NetworkSpec, type TlsSettings } from './network.js';
export { engineOptionsFromPipeline, type PipelineSpec } from './pipeline.js';
export {
  defineInput,
  defineOutput,
  type CustomContext,
  type CustomInstance,
  type CustomPlugin,
  type FlushChunk,
  type FlushResult,
  type InputContext,
  type InputInstance,
  type InputPlugin,
  type Lifecycle,
  type NetworkOf,
  type OutputContext,
  type OutputInstance,
  type OutputPlugin,
} from './plugin.js';
export { PluginRegistry } from './plugin-registry.js';
export { DEFAULT_BACKOFF, mayRetry, RETRY_NONE, RETRY_UNLIMITED, retryDelaySeconds, type Backoff } from './retry.js';
export { compileRecordAccessor, type RecordAccessor } from './record-accessor.js';
export { RecordMap } from './record-map.js';
export { compileCheckedRecordTemplate, compileRecordTemplate, isStaticTemplate, type CheckedRecordTemplate, type RecordTemplate } from './record-template.js';
export { Scheduler, type Timer } from './scheduler.js';
export type { MultilineJoiner, MultilineSink, ParserLookup, TextParser } from './text-parser.js';
