export {
  FakeKong,
  KongRpcError,
  PdkFailure,
  type FakeKongOptions,
  type KongMode,
  type PdkAnswers,
  type PdkCallRecord,
  type PhaseRun,
  type RequestRun,
} from './fake-kong.js';
export { encodeLikeKong, LuaMap, LuaString } from './lua-msgpack-encoder.js';
export { ProtobufFakeKong, type ProtobufFakeKongOptions, type StartedPlugin } from './protobuf-fake-kong.js';
