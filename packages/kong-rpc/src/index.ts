export { MsgpackDecodeError, MsgpackStreamDecoder } from './msgpack-stream-decoder.js';
export { createPdk, luaName, PdkError, type PdkCall } from './pdk.js';
export type * from './pdk-types.js';
export {
  definePlugin,
  isDefinedPlugin,
  PHASES,
  type DefinedPlugin,
  type EmittedRecord,
  type Phase,
  type PhaseContext,
  type PhaseHandler,
  type PluginDefinition,
} from './plugin-definition.js';
export { PluginEvent, type EventMessage, type StepData } from './plugin-event.js';
export { pluginInfo, type PluginInfo } from './plugin-info.js';
export { loadPluginDirectory, loadPluginFile, PluginLoadError, pluginFromModule, type LoadedPlugin, type PluginInstanceRuntime } from './plugin-loader.js';
export { PluginServer, type PluginServerOptions, type TimerOwner } from './plugin-server.js';
export { noPluginInstance, RpcError } from './rpc-error.js';
export { RpcConnectionServer, type RpcHandler, type RpcRespond } from './rpc-connection-server.js';
export type { ConfigFromSchema, FieldValue, SchemaField, SchemaFields, SchemaFieldType } from './schema.js';
export { silentLog, stderrLog, type ServerLog } from './server-log.js';
export { startPluginServer, type RunningPluginServer, type StartOptions } from './start-plugin-server.js';
