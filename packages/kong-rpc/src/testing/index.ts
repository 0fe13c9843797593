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
