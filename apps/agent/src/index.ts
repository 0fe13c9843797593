export { generalHelp, pluginHelp } from './help.js';
export { runAgent, VERSION, type AgentIo } from './run-agent.js';
