import type { Socket } from 'node:net';
import { fromBinary } from '@bufbuild/protobuf';
import { messageOf, type Logger } from '@tributary/base';
import type { PluginServer } from '../plugin-server.js';
import { PluginSocketServer } from '../plugin-socket-server.js';
import { FrameConnection } from './frame-connection.js';
import { RpcCallSchema, type RpcCall } from './gen/pluginsocket_pb.js';
import { ProtobufCalls } from './protobuf-calls.js';

/**
 * Serves one RpcCall elsewhere (`--workers`: on the worker thread that holds its instance),
 * resolving as `ProtobufCalls.serve` does; undefined leaves it to this server's own plugins.
 */
export type ProtobufRoute = (call: RpcCall, frame: Uint8Array, connection: FrameConnection) => Promise<'continue' | 'ended'> | undefined;

/**
 * Kong's `ProtoBuf:1` protocol (go-pdk's `servePb`) on a Unix socket: on each connection, one
 * RpcCall frame at a time, each served (`ProtobufCalls`) before the next is read. A call that
 * cannot be served closes the connection, said in the log.
 */
export class ProtobufConnectionServer {
  private readonly server: PluginSocketServer;
  private readonly calls: ProtobufCalls;

  constructor(
    plugins: PluginServer,
    private readonly log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>,
    private readonly route?: ProtobufRoute,
  ) {
    this.calls = new ProtobufCalls(plugins);
    this.server = new PluginSocketServer((socket) => void this.serve(socket), log);
  }

  listen(path: string): Promise<void> {
    return this.server.listen(path);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async serve(socket: Socket): Promise<void> {
    const connection = new FrameConnection(socket);
    try {
      for (;;) {
        const frame = await connection.next();
        let call: RpcCall;
        try {
          call = fromBinary(RpcCallSchema, frame);
        } catch (error) {
          throw new Error(`an RpcCall that does not decode: ${messageOf(error)}`);
        }
        const served = this.route?.(call, frame, connection) ?? this.calls.serve(connection, call);
        if ((await served) === 'ended') break;
      }
    } catch (error) {
      // Kong closing a pooled connection is the normal end of one; anything else is said.
      const message = messageOf(error);
      if (message !== 'closed') this.log.warn(`closing a ProtoBuf:1 connection: ${message}`);
    }
    connection.close();
  }
}
