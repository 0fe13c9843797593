export { generalHelp, pluginHelp } from './help.js';
export { warnIfThreadPoolTooSmall } from './go-thread-pool.js';
export { metricsJson, prometheusText, type EngineMetrics } from './monitoring-formats.js';
export { startMonitoringServer, type MonitoredEngine, type MonitoringServer } from './monitoring-server.js';
export { packageVersion } from './package-version.js';
export { createPipeline, type ImplicitInput, type PipelineOptions, type PipelineRuntime } from './pipeline-runtime.js';
export { createRegistry, loadSharedPlugins, type ExtraPlugins } from './plugin-catalog.js';
export { exitAfterStdout, exitQuietlyWhenStdoutCloses, reportUnexpected, shutdownOnSignals } from './process-lifecycle.js';
export { RuntimeError, type RuntimeErrorCode } from './runtime-error.js';
