// A worker thread of `--workers N`: its own PluginServer for the JS/TS plugins of the
// directory, ids `offset + n * stride`; calls come from the main thread's PluginWorkerPool
// (MsgPack:1 requests, ProtoBuf:1 RpcCalls on a relayed connection), answers and emitted
// records go back to it.
import { parentPort, workerData } from 'node:worker_threads';
import { fromBinary } from '@bufbuild/protobuf';
import { createLogger, messageOf, type LogLevel } from '@tributary/base';
import { PluginServer } from '../plugin-server.js';
import { RpcCallSchema } from '../protobuf/gen/pluginsocket_pb.js';
import { ProtobufCalls } from '../protobuf/protobuf-calls.js';
import { RpcMessageEncoder } from '../rpc-message-encoder.js';
import { RpcStreamDecoder } from '../rpc-stream-decoder.js';
import { servedPlugins } from '../served-plugins.js';
import { withBuffers } from '../with-buffers.js';
import { WorkerFrameChannel } from './worker-frame-channel.js';
import type { WorkerCall, WorkerData, WorkerMessage } from './worker-messages.js';

const data = workerData as WorkerData;
const port = parentPort!;
const log = createLogger({ level: data.logLevel as LogLevel, sink: { write: (line) => void process.stderr.write(line) } }).child(`kong:worker ${data.offset}`);
const post = (message: WorkerMessage) => port.postMessage(message);


const { plugins } = await servedPlugins(data.directory, log, { only: data.only, goPlugins: false });
const server = new PluginServer(plugins, {
  log,
  idOffset: data.offset,
  idStride: data.stride,
  emit: (tag, record) => post({ kind: 'emit', tag, record }),
});
const protobuf = new ProtobufCalls(server);
const channels = new Map<number, WorkerFrameChannel>();
const decoder = new RpcStreamDecoder();
const encoder = new RpcMessageEncoder();
port.on('message', (message: WorkerCall) => {
  if (message.kind === 'close') {
    void server.close().then(() => post({ kind: 'closed' }));
    return;
  }
  if (message.kind === 'pb-call') {
    // ProtoBuf:1: the call served on a relay of the main thread's connection, as the main thread would serve it.
    const { conversation } = message;
    const channel = new WorkerFrameChannel(conversation, post);
    channels.set(conversation, channel);
    Promise.resolve()
      .then(() => protobuf.serve(channel, fromBinary(RpcCallSchema, message.bytes)))
      .then(
        (result) => post({ kind: 'pb-done', conversation, result }),
        (error: unknown) => post({ kind: 'pb-done', conversation, result: 'ended', error: messageOf(error) }),
      )
      .finally(() => channels.delete(conversation));
    return;
  }
  if (message.kind === 'pb-frame') {
    channels.get(message.conversation)?.deliver(message.bytes, message.error);
    return;
  }
  if (message.kind === 'raw') {
    // Decoded here, as the main thread would: the main thread only read its header to route it.
    const [, msgid, method, params] = decoder.decode(message.bytes, 0, message.bytes.length) as [number, unknown, string, unknown];
    const args = Array.isArray(params) ? params : params === undefined || params === null ? [] : [params];
    server.dispatch(method, args, (error, result) => {
      let bytes: Uint8Array;
      try {
        bytes = encoder.response(msgid, error, result);
      } catch (failure) {
        bytes = encoder.response(msgid, `cannot encode the result of ${method}: ${(failure as Error).message}`, null);
      }
      // Cloned, not transferred: the encoder's Buffer may share Node's buffer pool.
      post({ kind: 'raw-answer', call: message.call, bytes });
    });
    return;
  }
  server.dispatch(message.method, withBuffers(message.params) as unknown[], (error, result) => post({ kind: 'answer', call: message.call, error, result }));
});
post({ kind: 'ready', plugins: plugins.map((plugin) => plugin.name) });
