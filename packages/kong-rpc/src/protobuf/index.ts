// `@tributary/kong-rpc/protobuf`: Kong's ProtoBuf:1 protocol for those who speak it themselves —
// the messages generated from pluginsocket.proto, the frames, and the PDK method table.
export * from './gen/pluginsocket_pb.js';
export { encodeFrame, FrameReader, MAX_FRAME_BYTES } from './frames.js';
export { FrameConnection } from './frame-connection.js';
export { kongMethodName, PDK_METHODS, type PdkMethod } from './pdk-methods.js';
export { KongRpcProtocolError } from './protocol-error.js';
