import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import type { Logger } from '@tributary/base';
import { PluginLoadError } from '../kong-rpc-error.js';
import type { KongPdk } from '../pdk-types.js';
import { PHASES, type Phase } from '../plugin-definition.js';
import type { LoadedPlugin, PluginInstanceRuntime } from '../plugin-loader.js';
import type { PluginInfo } from '../plugin-info.js';
import { RpcCallSchema, RpcReturnSchema } from '../protobuf/gen/pluginsocket_pb.js';
import { luaArgsOf, replyOf } from '../protobuf/kong-pdk-values.js';
import { PDK_METHODS, type PdkFrames } from '../protobuf/pdk-methods.js';
import { KongRpcProtocolError } from '../protobuf/protocol-error.js';
import { GoPdkChild } from './go-pdk-child.js';

type RpcCallKind = NonNullable<MessageInitShape<typeof RpcCallSchema>['call']>;

const decoder = new TextDecoder();
const DUMP_TIMEOUT_MS = 10_000;

/** Instance ids this process gives go-pdk children as `__seq__`: unique, never 0 (go-pdk takes a non-zero `__seq__` as the id, unchecked). */
let nextChildSeq = 1;

/** What `<exe> -dump` prints (go-pdk's `serverInfo`). */
interface GoPdkDump {
  Protocol: string;
  SocketPath: string;
  Plugins: PluginInfo[];
}

/**
 * Runs `<executable> -dump` (opening no socket) and returns its plugin info when it is a go-pdk
 * ProtoBuf:1 plugin; undefined when it does not answer as go-pdk's server does (not a Go
 * plugin: another program). A go-pdk dump this server cannot serve is a PluginLoadError.
 */
export function dumpGoPdkPlugin(executable: string): Promise<PluginInfo | undefined> {
  return new Promise((resolve, reject) => {
    execFile(executable, ['-dump'], { timeout: DUMP_TIMEOUT_MS }, (error, stdout) => {
      if (error) return resolve(undefined);
      let dump: GoPdkDump;
      try {
        dump = JSON.parse(stdout) as GoPdkDump;
      } catch {
        return resolve(undefined);
      }
      if (typeof dump !== 'object' || dump === null) return resolve(undefined);
      if (Array.isArray(dump)) return reject(new PluginLoadError(`${executable} is a MsgPack go-pdk plugin (go-pdk before v0.7): rebuild it with go-pdk v0.7 or later, which speaks ProtoBuf:1`));
      if (dump.Protocol !== 'ProtoBuf:1' || !Array.isArray(dump.Plugins) || dump.Plugins.length !== 1) {
        return reject(new PluginLoadError(`${executable} -dump is not one ProtoBuf:1 plugin: ${JSON.stringify(stdout.slice(0, 120))}`));
      }
      resolve(dump.Plugins[0]!);
    });
  });
}

/**
 * A go-pdk plugin executable as a plugin of this server: its `-dump` is its info, and its
 * instances and events are proxied to the executable, run as a supervised child
 * (`GoPdkChild`). An event opens (or reuses) a connection to the child, sends
 * `cmd_handle_event`, and turns every PDK call the child makes into the same call on the
 * front's `kong` — MsgPack:1 Steps or ProtoBuf:1 frames — with Kong's own conversions both ways.
 */
export class GoPdkPlugin implements LoadedPlugin {
  readonly name: string;
  readonly version: string;
  readonly priority: number;
  readonly phases: readonly Phase[];
  readonly schema: LoadedPlugin['schema'];
  readonly loadTime = Date.now() / 1000;
  readonly modTime: number;
  readonly child: GoPdkChild;
  private sequence = 1;

  constructor(
    readonly path: string,
    info: PluginInfo,
    private readonly log: Logger,
  ) {
    this.name = info.Name;
    this.version = info.Version;
    this.priority = info.Priority;
    this.phases = info.Phases.filter((phase): phase is Phase => (PHASES as readonly string[]).includes(phase));
    this.schema = info.Schema.fields[0]?.config.fields ?? [];
    this.modTime = statSync(path).mtimeMs / 1000;
    this.child = new GoPdkChild(path, this.name, log);
  }

  /** The plugin of a go-pdk executable; undefined for an executable that is not one. */
  static async load(executable: string, log: Logger): Promise<GoPdkPlugin | undefined> {
    const info = await dumpGoPdkPlugin(executable);
    if (info === undefined) return undefined;
    if (info.Name !== basename(executable)) log.warn(`${executable}: go-pdk names the plugin '${info.Name}' after the file it was built as`);
    return new GoPdkPlugin(executable, info, log);
  }

  start(config: Record<string, unknown>): PluginInstanceRuntime {
    // The child instance starts with the first event, and again after the child restarted or purged it.
    let instance: { id: number; generation: number } | undefined;
    const childInstance = async (): Promise<number> => {
      if (instance !== undefined && instance.generation === this.child.generation) return instance.id;
      const generation = this.child.generation;
      const text = JSON.stringify({ ...config, __seq__: nextChildSeq++ });
      const reply = await this.call({ case: 'cmdStartInstance', value: { name: this.name, config: Buffer.from(text) } }).catch((error: Error) => {
        throw new KongRpcProtocolError(`go plugin ${this.name} did not start an instance (${error.message}): go-pdk closes the connection on a config it cannot decode, and its log above says why`);
      });
      if (reply?.return.case !== 'instanceStatus') throw new KongRpcProtocolError(`go plugin ${this.name} started no instance`);
      instance = { id: reply.return.value.instanceId, generation };
      return instance.id;
    };
    return {
      run: async (phase, kong, _context, frames) => {
        for (let attempt = 0; ; attempt++) {
          const id = await childInstance();
          const outcome = await this.event(id, phase, kong, frames);
          if (outcome !== 'unknown instance') return;
          // The child lost the instance (a restart, or go-pdk's purge of instances older than 60 s): start it again once.
          instance = undefined;
          if (attempt > 0) throw new KongRpcProtocolError(`go plugin ${this.name} does not know its instance ${id}, even started again`);
        }
      },
      close: () => {
        if (instance !== undefined && instance.generation === this.child.generation) void this.call({ case: 'cmdCloseInstance', value: { instanceId: instance.id } }).catch(() => undefined);
      },
    };
  }

  /** Stops the child. */
  close(): Promise<void> {
    return this.child.stop();
  }

  /** One RpcCall on a child connection, and its RpcReturn (undefined for an empty frame). */
  private async call(call: RpcCallKind) {
    const connection = await this.child.connection();
    const sequence = BigInt(++this.sequence);
    connection.send(toBinary(RpcCallSchema, create(RpcCallSchema, { sequence, call })));
    const frame = await connection.next();
    this.child.release(connection);
    return frame.length === 0 ? undefined : fromBinary(RpcReturnSchema, frame);
  }

  /**
   * One event on a child connection: the child's PDK calls made on `kong` one at a time until
   * its end marker and RpcReturn. 'unknown instance' when the child closed the connection
   * before its first frame (go-pdk's answer to an instance it does not have).
   */
  private async event(id: number, phase: string, kong: KongPdk, frames: PdkFrames | undefined): Promise<'done' | 'unknown instance'> {
    const connection = await this.child.connection();
    connection.send(toBinary(RpcCallSchema, create(RpcCallSchema, { sequence: BigInt(++this.sequence), call: { case: 'cmdHandleEvent', value: { instanceId: id, eventName: phase } } })));
    let first = true;
    try {
      for (;;) {
        let frame: Uint8Array;
        try {
          frame = await connection.next();
        } catch (error) {
          if (first) return 'unknown instance';
          throw error;
        }
        first = false;
        if (frame.length === 0) {
          await connection.next(); // the RpcReturn
          this.child.release(connection);
          return 'done';
        }
        const method = decoder.decode(frame);
        const pdk = this.pdkMethod(method);
        const args = await connection.next();
        // A ProtoBuf:1 front takes the frames as they are; a MsgPack:1 one gets Kong's Lua values.
        const reply = frames !== undefined ? await frames(pdk, args) : replyOf(pdk.output, await callPdk(kong, method, luaArgsOf(pdk.input, args)));
        if (method === 'kong.response.exit') {
          // Terminal: the front never answers it, so neither does the child get a reply.
          connection.close();
          return 'done';
        }
        connection.send(reply ?? new Uint8Array(0));
      }
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  private pdkMethod(method: string) {
    const pdk = PDK_METHODS.get(method);
    if (pdk === undefined) throw new KongRpcProtocolError(`go plugin ${this.name} called ${method}, which is not in Kong's pluginsocket.proto`);
    return pdk;
  }
}

/** Calls `kong.a.b(...)` by its Kong name on the front's PDK; a PDK error is the result's default (Kong 3.x passes only the first value). */
async function callPdk(kong: KongPdk, method: string, args: unknown[]): Promise<unknown> {
  let target: unknown = kong;
  for (const part of method.split('.').slice(1)) target = (target as Record<string, unknown>)[part];
  try {
    return await (target as (...a: unknown[]) => Promise<unknown>)(...args);
  } catch {
    return undefined;
  }
}
