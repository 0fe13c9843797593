export { generalHelp, pluginHelp } from './help.js';
export { createPipeline, createRegistry, loadSharedPlugins, type PipelineRuntime } from './pipeline-runtime.js';
export { runAgent, VERSION, type AgentIo } from './run-agent.js';
