export { RpcStreamDecoder } from './rpc-stream-decoder.js';
export { RpcMessageEncoder } from './rpc-message-encoder.js';
export { noPluginInstance, PdkError, PluginLoadError, RpcError, type KongRpcErrorCode } from './kong-rpc-error.js';
export { logShipperPlugin } from './log-shipper-plugin.js';
export { createPdk, luaName, type PdkCall } from './pdk.js';
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
export {
  loadPluginDirectory,
  loadPluginFile,
  pluginFromModule,
  scanPluginDirectory,
  type LoadedPlugin,
  type PluginDirectory,
  type PluginInstanceRuntime,
  type PluginLoadFailure,
} from './plugin-loader.js';
export { PluginServer, type PluginServerOptions, type TimerOwner } from './plugin-server.js';
export { RpcConnectionServer, type RpcHandler, type RpcRespond } from './rpc-connection-server.js';
export type { ConfigFromSchema, FieldValue, SchemaField, SchemaFields, SchemaFieldType } from './schema.js';
export { PROTOCOL_NAMES, startPluginServer, type PluginProtocol, type RunningPluginServer, type StartOptions } from './start-plugin-server.js';
export { dumpGoPdkPlugin, GoPdkPlugin } from './go-pdk/go-pdk-plugin.js';
export { servedPlugins, type ServedPluginsOptions } from './served-plugins.js';
