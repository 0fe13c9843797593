/**
 * The Fluent Bit ⇄ Go proxy ABI on x86_64/aarch64 Linux (LP64), as Fluent Bit lays it out
 * (`include/fluent-bit/flb_plugin_proxy.h`, `flb_api.h`, `src/proxy/go/go.h`).
 */

/** Flush results (`flb_macros.h`). */
export const FLB_ERROR = 0;
export const FLB_OK = 1;
export const FLB_RETRY = 2;

/** A C `int` flag: PreRun's `enable_hot_reload`, PreExit's `shutdown_by_hot_reloading`, PreRegister's `hot_reloading`. */
export const cFlag = (on: boolean | undefined): number => (on ? 1 : 0);

/** `struct flb_plugin_proxy_def`: filled by FLBPluginRegister. 48 bytes today; 64 leaves room. */
export const DEF = {
  size: 64,
  type: 0,
  proxy: 4,
  flags: 8,
  name: 16,
  description: 24,
  eventType: 32,
} as const;

/** `def->event_type` for log outputs; 0 (never written by older fluent-bit-go) means logs too. */
export const FLB_OUTPUT_LOGS = 1;

export const PROXY_INPUT_PLUGIN = 1;
export const PROXY_OUTPUT_PLUGIN = 2;
export const PROXY_CUSTOM_PLUGIN = 3;
export const PROXY_GOLANG = 11;

/** `struct flb_api`: function table the plugin calls through. */
export const API = {
  size: 72,
  outputGetProperty: 0,
  inputGetProperty: 8,
  customGetProperty: 56,
} as const;

/**
 * `struct flbgo_output_plugin`: one per loaded `.so`, shared by its instances; Fluent Bit
 * rewrites `api`, `o_ins` and `context` before each instance's FLBPluginInit.
 */
export const OUTPUT_PLUGIN = {
  size: 72,
  name: 0,
  api: 8,
  outputInstance: 16,
  context: 24,
} as const;

/**
 * `struct flbgo_input_plugin` (80 bytes) and `struct flbgo_custom_plugin` (48): the same
 * leading fields as the output struct — `api`@8, the instance handle @16, `context`@24 — then
 * callback slots the plugin never reads. One per `.so`, rewritten before each FLBPluginInit.
 */
export const INPUT_PLUGIN = { size: 80, name: 0, api: 8, instance: 16, context: 24 } as const;
export const CUSTOM_PLUGIN = { size: 48, name: 0, api: 8, instance: 16, context: 24 } as const;

/**
 * `struct flb_plugin_input_proxy_context` (Fluent Bit ≥ 4.1): `{int coll_fd; void
 * *remote_context@8; proxy@16}`. fluent-bit-go's input package declares no context setter.
 */
export const INPUT_PROXY_CONTEXT = { size: 24, remoteContext: 8 } as const;

/** Seconds between collections of a Go input (`PROXY_CALLBACK_TIME` in `flb_plugin_proxy.c`). */
export const PROXY_CALLBACK_SECONDS = 1;

/** `struct flb_plugin_proxy_context`: per instance; the plugin writes `remote_context`. */
export const PROXY_CONTEXT = {
  size: 16,
  remoteContext: 0,
} as const;

/** Exported symbols and the C prototypes Fluent Bit calls them with (lengths as 64-bit). */
export const SYMBOLS = {
  preRegister: 'int FLBPluginPreRegister(int hot_reloading)',
  register: 'int FLBPluginRegister(void *def)',
  init: 'int FLBPluginInit(void *plugin)',
  flush: 'int FLBPluginFlush(void *data, uint64_t size, const char *tag)',
  flushCtx: 'int FLBPluginFlushCtx(void *remote_ctx, void *data, uint64_t size, const char *tag)',
  exit: 'int FLBPluginExit(void)',
  exitCtx: 'int FLBPluginExitCtx(void *remote_ctx)',
  outputPreRun: 'int FLBPluginOutputPreRun(int enable_hot_reload)',
  outputPreExit: 'void FLBPluginOutputPreExit(int shutdown_by_hot_reloading)',
  unregister: 'void FLBPluginUnregister(void *def)',
} as const;

/** The input plugin's entry points; `data` and `len` point at host memory the plugin fills. */
export const INPUT_SYMBOLS = {
  callback: 'int FLBPluginInputCallback(void *data, void *len)',
  callbackCtx: 'int FLBPluginInputCallbackCtx(void *remote_ctx, void *data, void *len)',
  cleanup: 'int FLBPluginInputCleanupCallback(void *data)',
  cleanupCtx: 'int FLBPluginInputCleanupCallbackCtx(void *remote_ctx, void *data)',
  preRun: 'int FLBPluginInputPreRun(int enable_hot_reload)',
  preExit: 'void FLBPluginInputPreExit(int shutdown_by_hot_reloading)',
  pause: 'void FLBPluginInputPause(void)',
  resume: 'void FLBPluginInputResume(void)',
} as const;
