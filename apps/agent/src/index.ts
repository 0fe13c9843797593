export { generalHelp, pluginHelp } from './help.js';
export type { SharedPluginLoader } from './plugin-loading.js';
export { runAgent, VERSION, type AgentIo } from './run-agent.js';
