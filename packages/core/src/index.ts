export { Chunk, CHUNK_MAX_BYTES } from './chunk.js';
export {
  parseBoolean,
  parseSize,
  PropertyError,
  resolveConfig,
  type ConfigMap,
  type ConfigOf,
  type Property,
  type PropertySpec,
  type PropertyType,
} from './config-map.js';
export { Engine, type EngineInputSpec, type EngineOptions, type EngineOutputSpec } from './engine.js';
export { formatLocation, TributaryError, type SourceLocation } from './errors.js';
export {
  decodeEvents,
  EventFormatError,
  toLegacyEvents,
  writeEvent,
  type EncodedOrObject,
  type EventFormat,
  type LogEvent,
} from './event-codec.js';
export { EventTime } from './event-time.js';
export { Float64 } from './float64.js';
export { createLogger, LOG_LEVELS, type LogLevel, type Logger, type LogSink } from './logger.js';
export { createRouteMatcher, matchTag, type RouteSpec } from './match.js';
export { createMetrics, type InstanceMetrics } from './metrics.js';
export { MsgpackFormatError, MsgpackReader, type MsgpackKind } from './msgpack-reader.js';
export { MsgpackWriter, type MsgpackValue } from './msgpack-writer.js';
export {
  defineInput,
  defineOutput,
  type AppendOptions,
  type FlushChunk,
  type FlushResult,
  type InputContext,
  type InputInstance,
  type InputPlugin,
  type OutputContext,
  type OutputInstance,
  type OutputPlugin,
} from './plugin.js';
export { DEFAULT_BACKOFF, mayRetry, RETRY_NONE, RETRY_UNLIMITED, retryDelaySeconds } from './retry.js';
export { Scheduler, type Timer } from './scheduler.js';
export { packJson } from './pack-json.js';
export { engineOptionsFromPipeline, type PipelineSpec } from './pipeline.js';
export { PluginRegistry } from './plugin-registry.js';
