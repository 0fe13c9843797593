export { generalHelp, pluginHelp } from './help.js';
export { createPipeline, createRegistry, loadSharedPlugins, type PipelineRuntime } from './pipeline-runtime.js';
export { runAgent, type AgentIo } from './run-agent.js';
export { VERSION } from './version.js';
export { metricsJson, prometheusText, startMonitoringServer, type MonitoredEngine, type MonitoringServer } from './monitoring-server.js';
export { exitAfterStdout, exitQuietlyWhenStdoutCloses, reportUnexpected, shutdownOnSignals } from './process-lifecycle.js';
