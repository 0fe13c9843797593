import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { PdkError } from '../kong-rpc-error.js';
import type { PluginServer } from '../plugin-server.js';
import type { FrameChannel } from './frame-connection.js';
import { RpcReturnSchema, type RpcCall } from './gen/pluginsocket_pb.js';
import { PDK_METHODS, type PdkFrames, type PdkMethod } from './pdk-methods.js';
import { inputOf, valueOf } from './plugin-pdk-values.js';

type RpcReturnKind = NonNullable<MessageInitShape<typeof RpcReturnSchema>['return']>;

const END_OF_EVENT = new Uint8Array(0);

/**
 * What a ProtoBuf:1 server does with one RpcCall (go-pdk's `servePb` loop body) for the
 * plugins of a PluginServer, on any channel — a socket, or a worker thread's relay of one: it
 * answers with one RpcReturn frame; inside `cmd_handle_event` the handler's PDK calls go out on
 * the same channel as method and argument frames, one at a time, each answered before the
 * next, then the end marker and the RpcReturn. There is no error on the wire: an unknown
 * instance, a bad config or a call out of place throws, and the channel must be closed (Kong
 * resets the plugin's instances and starts again). A handler that throws does not: its event
 * ends normally.
 */
export class ProtobufCalls {
  constructor(private readonly plugins: PluginServer) {}

  /** Answers `call` on `channel`: 'continue', or 'ended' when the channel must not be used again (after `kong.response.exit`). */
  async serve(channel: FrameChannel, call: RpcCall): Promise<'continue' | 'ended'> {
    const result = await this.answer(channel, call);
    if (result === 'ended') return 'ended';
    const reply = toBinary(RpcReturnSchema, create(RpcReturnSchema, { sequence: call.sequence, ...(result === 'event' ? {} : { return: result }) }));
    // An event ends with the end marker, then its RpcReturn: one write.
    if (result === 'event') channel.send(END_OF_EVENT, reply);
    else channel.send(reply);
    return 'continue';
  }

  /** The RpcReturn of one call: its `return`, 'event' for an event that ended (no `return`), or 'ended' when the connection must not be used again. */
  private async answer(connection: FrameChannel, call: RpcCall): Promise<RpcReturnKind | 'event' | 'ended'> {
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
  private async handleEvent(connection: FrameChannel, instanceId: number, phase: string): Promise<boolean> {
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
