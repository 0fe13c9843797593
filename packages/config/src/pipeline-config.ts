import type { LogLevel, SourceLocation } from '@tributary/base';

/** A plugin property as written (after `${VAR}` expansion), with where it was written. */
export interface Property {
  readonly key: string;
  readonly value: string;
  readonly source: SourceLocation;
}

/** `[SERVICE]`, typed, with Fluent Bit's defaults. */
export interface ServiceConfig {
  /** Seconds between flushes (default 1). */
  flush: number;
  /** Seconds to keep flushing at shutdown (default 5; −1 waits for everything). */
  grace: number;
  logLevel: LogLevel;
  logFile: string | undefined;
  daemon: boolean;
  httpServer: boolean;
  httpListen: string;
  httpPort: number;
  /** Retry backoff in seconds: `scheduler.base` (5) and `scheduler.cap` (2000). */
  schedulerBase: number;
  schedulerCap: number;
  parsersFiles: string[];
  /** `multiline_buffer_limit`: the most bytes one multiline message may hold (default 2MB). */
  multilineBufferLimit: number;
  /** `Hot_Reload` (or `-Y`): SIGHUP and `/api/v2/reload` reload the configuration. */
  hotReload: boolean;
  /** `Hot_Reload.Ensure_Thread_Safety` (default on; `-W` turns it off): a reload waits for every pending task, without Grace's limit. */
  hotReloadEnsureThreadSafety: boolean;
  /** `Hot_Reload.Timeout` in seconds (default 0, none): a reload not done by then aborts the process, as Fluent Bit's watchdog does. */
  hotReloadTimeout: number;
  /** `storage.metrics` (default on, as in Fluent Bit's code): `/api/v1/storage` is served. */
  storageMetrics: boolean;
  /** `storage.*`: set once `storage.path` is (filesystem buffering needs a folder). */
  storage: StorageConfig | undefined;
  /** `storage.type`: the storage type inputs inherit with `storage.inherit on`. */
  storageType: { readonly value: string; readonly source: SourceLocation } | undefined;
  /** `storage.inherit` (default off). */
  storageInherit: boolean;
  /** Keys Tributary does not act on, kept for completeness. */
  other: Property[];
}

/** `[SERVICE] storage.*`, as Fluent Bit reads them. */
export interface StorageConfig {
  path: string;
  /** `storage.sync full` (default normal). */
  fullSync: boolean;
  /** `storage.checksum` (default off). */
  checksum: boolean;
  /** `storage.backlog.mem_limit` in bytes (default 5M). */
  backlogMemLimit: number;
  /** `storage.delete_irrecoverable_chunks` (default off: set aside). */
  deleteIrrecoverable: boolean;
  /** `storage.max_chunks_up`: filesystem chunks held in memory at once (default 128; 0 also means 128). */
  maxChunksUp: number;
  /** `storage.keep.rejected`: a copy of each chunk an output drops goes to `rejectedPath` under `path` (default off). */
  keepRejected: boolean;
  /** `storage.rejected.path` (default `rejected`). */
  rejectedPath: string;
  /** `storage.rejected.limit` in bytes; undefined is unlimited. */
  rejectedLimit: number | undefined;
}

/** What every plugin section has. */
export interface PluginSection {
  /** `Name`, as written (matched case-insensitively). */
  name: string;
  alias: string | undefined;
  logLevel: LogLevel | undefined;
  /** Properties for the plugin itself, in order, core keys excluded. */
  properties: Property[];
  /** Keys the core consumes without typing them here (host, port, tls*, net.* ...). */
  coreProperties: Property[];
  source: SourceLocation;
}

export interface InputSection extends PluginSection {
  tag: string | undefined;
  /** Mem_Buf_Limit in bytes; 0 is unlimited. */
  memBufLimit: number;
  /** YAML `processors.logs`: filters run on this input's records, in order, before the pipeline's filters; Match plays no part. */
  processors: FilterSection[];
}

export interface FilterSection extends PluginSection {
  match: string | undefined;
  matchRegex: string | undefined;
}

export interface OutputSection extends PluginSection {
  match: string | undefined;
  matchRegex: string | undefined;
  /** −1 unlimited, 0 no retries, N retries; default 1. */
  retryLimit: number;
  /** Concurrent flushes (Fluent Bit `Workers`; 0 is the default for Go plugins). */
  workers: number;
  /** YAML `processors.logs`: filters run on each chunk this output flushes, in order; Match plays no part. */
  processors: FilterSection[];
}

/** A shared library to load as a plugin (`-e`, or `Path` in a `Plugins_File`). */
export interface PluginFile {
  path: string;
  source: SourceLocation;
}

/** A whole, validated pipeline: what `agent` and `kong-sidecar --pipeline` run. */
export interface PipelineConfig {
  service: ServiceConfig;
  plugins: PluginFile[];
  inputs: InputSection[];
  filters: FilterSection[];
  outputs: OutputSection[];
  customs: PluginSection[];
  /** Non-fatal findings, e.g. an unset `${VAR}`; the caller logs them. */
  warnings: string[];
}
