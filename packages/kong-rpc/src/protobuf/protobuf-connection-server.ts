import type { Socket } from 'node:net';
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { messageOf, type Logger } from '@tributary/base';
import { PdkError } from '../kong-rpc-error.js';
import type { PluginServer } from '../plugin-server.js';
import { PluginSocketServer } from '../plugin-socket-server.js';
import { FrameConnection } from './frame-connection.js';
import { RpcCallSchema, RpcReturnSchema, type RpcCall } from './gen/pluginsocket_pb.js';
import { PDK_METHODS, type PdkFrames, type PdkMethod } from './pdk-methods.js';
import { inputOf, valueOf } from './plugin-pdk-values.js';

type RpcReturnKind = NonNullable<MessageInitShape<typeof RpcReturnSchema>['return']>;

const END_OF_EVENT = new Uint8Array(0);

/**
 * Kong's `ProtoBuf:1` protocol (go-pdk's `servePb`) for the plugins of a PluginServer: on each
 * connection, one RpcCall frame at a time answered by one RpcReturn frame; inside
 * `cmd_handle_event` the handler's PDK calls go out on the same connection as method and
 * argument frames, one at a time, each answered before the next; then the end marker and the
 * RpcReturn. There is no error on the wire: an unknown instance, a bad config or a call out of
 * place closes the connection (Kong resets the plugin's instances and starts again), said in
 * the log. A handler that throws does not: its event ends normally.
 */
export class ProtobufConnectionServer {
  private readonly server: PluginSocketServer;

  constructor(
    private readonly plugins: PluginServer,
    private readonly log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>,
  ) {
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
        const result = await this.answer(connection, call);
        if (result === 'ended') break;
        const reply = toBinary(RpcReturnSchema, create(RpcReturnSchema, { sequence: call.sequence, ...(result === 'event' ? {} : { return: result }) }));
        // An event ends with the end marker, then its RpcReturn: one write.
        if (result === 'event') connection.send(END_OF_EVENT, reply);
        else connection.send(reply);
      }
    } catch (error) {
      // Kong closing a pooled connection is the normal end of one; anything else is said.
      const message = messageOf(error);
      if (message !== 'closed') this.log.warn(`closing a ProtoBuf:1 connection: ${message}`);
    }
    connection.close();
  }

  /** The RpcReturn of one call: its `return`, 'event' for an event that ended (no `return`), or 'ended' when the connection must not be used again. */
  private async answer(connection: FrameConnection, call: RpcCall): Promise<RpcReturnKind | 'event' | 'ended'> {
    const command = call.call;
    switch (command.case) {
      case 'cmdGetPluginNames':
        return { case: 'pluginNames', value: { names: this.plugins.pluginNames } };
      case 'cmdGetPluginInfo': {
        const info = this.plugins.pluginInfo(command.value.name);
        return { case: 'pluginInfo', value: { name: info.Name, phases: info.Phases, version: info.Version, priority: info.Priority, schema: JSON.stringify(info.Schema) } };
      }
      case 'cmdStartInstance':
        return this.status(this.plugins.start(command.value.name, Buffer.from(command.value.config).toString('utf8')));
      case 'cmdGetInstanceStatus':
        return this.status(this.plugins.instanceStatus(command.value.instanceId));
      case 'cmdCloseInstance':
        return this.status(this.plugins.closeInstance(command.value.instanceId));
      case 'cmdHandleEvent':
        return (await this.handleEvent(connection, command.value.instanceId, command.value.eventName)) ? 'event' : 'ended';
      default:
        throw new Error('an RpcCall with no call set');
    }
  }

  private status(status: { Name: string; Id: number; StartTime: number }): RpcReturnKind {
    return { case: 'instanceStatus', value: { name: status.Name, instanceId: status.Id, startedAt: BigInt(Math.floor(status.StartTime)) } };
  }

  /**
   * Runs one event on this connection. Returns false when it ended with `kong.response.exit`:
   * Kong writes nothing more on this connection and drops it, so neither does this server.
   */
  private async handleEvent(connection: FrameConnection, instanceId: number, phase: string): Promise<boolean> {
    let exited = false;
    let queue: Promise<unknown> = Promise.resolve();
    /** One PDK call as its frames: the reply's payload, or undefined for the terminal one (or once the event is over). */
    const exchange = async (pdk: PdkMethod, args: Uint8Array): Promise<Uint8Array | undefined> => {
      if (exited || !connection.open) return undefined;
      connection.send(pdk.nameBytes, args);
      if (pdk.name === 'kong.response.exit') {
        exited = true; // terminal: Kong never answers it
        return undefined;
      }
      return connection.next();
    };
    // One call at a time, in order: a handler's concurrent calls wait for the previous reply.
    const serial = <T>(run: () => Promise<T>): Promise<T> => {
      const next = queue.then(run);
      queue = next.catch(() => undefined);
      return next;
    };
    const call = (method: string, args: unknown[]): Promise<unknown> => {
      const pdk = PDK_METHODS.get(method);
      if (pdk === undefined) return Promise.reject(new PdkError(method, `${method} is not one of the PDK functions Kong offers over ProtoBuf:1`));
      return serial(async () => {
        const reply = await exchange(pdk, inputOf(pdk.input, args));
        return reply === undefined ? undefined : valueOf(method, pdk.output, reply);
      });
    };
    const frames: PdkFrames = (pdk, args) => serial(() => exchange(pdk, args));
    await this.plugins.runEvent(instanceId, phase, call, frames);
    await queue;
    if (exited) return false;
    if (!connection.open) throw new Error('closed');
    return true;
  }
}
