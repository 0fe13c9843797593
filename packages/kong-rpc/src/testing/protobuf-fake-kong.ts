import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { FrameConnection } from '../protobuf/frame-connection.js';
import { canConnect } from '../socket-path.js';
import { RpcCallSchema, RpcReturnSchema, type RpcReturn } from '../protobuf/gen/pluginsocket_pb.js';
import { luaArgsOf, replyOf } from '../protobuf/kong-pdk-values.js';
import { PDK_METHODS } from '../protobuf/pdk-methods.js';
import type { PluginInfo } from '../plugin-info.js';
import { KongRpcError, type PdkAnswers, type PhaseRun, type RequestRun } from './fake-kong.js';
import { HTTP_PHASES, runRequestPhases } from './request-run.js';

export interface ProtobufFakeKongOptions {
  /** The socket `pluginserver_<name>_socket` names (go-pdk: `<prefix>/<executable name>.socket`). */
  socketPath: string;
  /** Kong waits this long for any frame (`lua_socket_read_timeout`, 60 s), then fails with "timeout". */
  readTimeoutMs?: number;
}

/** A go-pdk plugin executable started for a test: its `-dump`, its process and what it wrote to stderr. */
export interface StartedPlugin {
  readonly dump: { Protocol: string; SocketPath: string; Plugins: PluginInfo[] };
  readonly process: ChildProcess;
  readonly stderr: string[];
}

type RpcCallKind = NonNullable<MessageInitShape<typeof RpcCallSchema>['call']>;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Drives a `ProtoBuf:1` plugin server (a go-pdk plugin, or any server of that protocol) over its
 * real Unix socket as Kong 3.9 does (`pb_rpc.lua`): length-prefixed frames, one call at a time
 * per pooled connection, sequence numbers from 2, the PDK bridge inside HandleEvent with
 * Kong's argument and result conversions, `kong.response.exit` never answered, and a closed
 * connection during an event taken as "reset the instances and start again".
 */
export class ProtobufFakeKong implements AsyncDisposable {
  /** Things a real Kong would choke on (a wrong sequence, bytes after a reply ...). */
  readonly violations: string[] = [];
  connectionsOpened = 0;
  private readonly idle: FrameConnection[] = [];
  private readonly all = new Set<FrameConnection>();
  private sequence = 1;
  private seq = 0;
  private readonly instances = new Map<string, number>();
  private plugin: StartedPlugin | undefined;

  constructor(private readonly options: ProtobufFakeKongOptions) {}

  /**
   * Starts a go-pdk plugin executable as Kong does (`<exe> -kong-prefix <dir>`, after reading
   * its `-dump`) and returns a fake Kong on its socket. Closing the fake Kong stops the plugin.
   */
  static async start(executable: string, options: { prefix?: string; readTimeoutMs?: number } = {}): Promise<ProtobufFakeKong> {
    const dump = await new Promise<StartedPlugin['dump']>((resolve, reject) => {
      execFile(executable, ['-dump'], (error, stdout) => {
        if (error) return reject(new KongRpcError(`${executable} -dump failed: ${error.message}`));
        try {
          resolve(JSON.parse(stdout) as StartedPlugin['dump']);
        } catch {
          reject(new KongRpcError(`${executable} -dump did not print JSON: ${JSON.stringify(stdout.slice(0, 200))}`));
        }
      });
    });
    if (dump.Protocol !== 'ProtoBuf:1') throw new KongRpcError(`${executable} speaks ${dump.Protocol}, not ProtoBuf:1`);
    const prefix = options.prefix ?? mkdtempSync(join(tmpdir(), 'fake-kong-'));
    const socketPath = join(prefix, `${basename(executable)}.socket`);
    const child = spawn(executable, ['-kong-prefix', prefix], { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: string[] = [];
    child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr.push(...text.split('\n').filter((line) => line !== '')));
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(socketPath))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new KongRpcError(`${executable} did not listen on ${socketPath}: ${stderr.join(' | ') || 'no output'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const kong = new ProtobufFakeKong({ socketPath, readTimeoutMs: options.readTimeoutMs });
    kong.plugin = { dump, process: child, stderr };
    return kong;
  }

  /** The plugin `start` launched, when it did. */
  get started(): StartedPlugin | undefined {
    return this.plugin;
  }

  /** `cmd_start_instance` with the config as Kong encodes it (its injected keys included); returns the instance id. */
  async startInstance(name: string, config: Record<string, unknown>): Promise<number> {
    const seq = ++this.seq;
    const injected = { __plugin_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, __seq__: seq, plugin_instance_name: name, __ws_id: null };
    const result = await this.call({ case: 'cmdStartInstance', value: { name, config: Buffer.from(JSON.stringify({ ...config, ...injected })) } });
    if (result?.return.case !== 'instanceStatus') throw new KongRpcError(`StartInstance returned no instance_status: ${JSON.stringify(result?.return.case)}`);
    return result.return.value.instanceId;
  }

  /** `cmd_close_instance`; Kong ignores the outcome. */
  async closeInstance(id: number): Promise<void> {
    await this.call({ case: 'cmdCloseInstance', value: { instanceId: id } }).catch(() => undefined);
  }

  /** `cmd_get_instance_status` (tooling only: Kong never sends it). */
  async instanceStatus(id: number): Promise<{ name: string; instanceId: number; startedAt: bigint }> {
    const result = await this.call({ case: 'cmdGetInstanceStatus', value: { instanceId: id } });
    if (result?.return.case !== 'instanceStatus') throw new KongRpcError('GetInstanceStatus returned no instance_status');
    const { name, instanceId, startedAt } = result.return.value;
    return { name, instanceId, startedAt };
  }

  /** One phase of one instance: `cmd_handle_event` and its PDK bridge, calls answered from `answers` by Lua method name. */
  async runPhase(instanceId: number, phase: string, answers: PdkAnswers = {}): Promise<PhaseRun> {
    const run: PhaseRun = { phase, calls: [] };
    await this.call({ case: 'cmdHandleEvent', value: { instanceId, eventName: phase } }, async (connection) => {
      for (;;) {
        const methodFrame = await connection.next(this.options.readTimeoutMs ?? 60_000);
        if (methodFrame.length === 0) return true; // the end marker: the RpcReturn follows
        const method = decoder.decode(methodFrame);
        const args = await connection.next(this.options.readTimeoutMs ?? 60_000);
        const pdk = PDK_METHODS.get(method);
        if (pdk === undefined) throw new KongRpcError(`method "${method}" not found`);
        const record = { method, args: luaArgsOf(pdk.input, args) };
        run.calls.push(record);
        if (method === 'kong.response.exit') {
          // Kong exits the request: nothing more is written on this connection, which is dropped.
          run.exit = record;
          return false;
        }
        const answer = answers[method];
        const result = typeof answer === 'function' ? await (answer as (...a: unknown[]) => unknown)(...record.args) : answer;
        connection.send(replyOf(pdk.output, result));
      }
    });
    return run;
  }

  /**
   * A whole request through one plugin, as Kong runs it: start (or reuse) its instance, run
   * its phases (from `-dump` when it was started here) in Kong's order, skip the rest after
   * `kong.response.exit` but still log, and, when the server closes the connection during an
   * event, forget the instances and start again (Kong 3.x retries without limit; this stops at 3).
   */
  async runRequest(request: { plugin: string; config?: Record<string, unknown>; answers?: PdkAnswers; phases?: string[] }): Promise<RequestRun> {
    const info = this.plugin?.dump.Plugins.find((plugin) => plugin.Name === request.plugin);
    const phases = request.phases ?? info?.Phases;
    if (phases === undefined) throw new KongRpcError(`the phases of ${request.plugin} are not known: pass phases, or start the plugin with ProtobufFakeKong.start`);
    const key = `${request.plugin}:${JSON.stringify(request.config ?? {})}`;
    return runRequestPhases(
      HTTP_PHASES.filter((name) => phases.includes(name) && name !== 'certificate'),
      {
        instance: async () => {
          let id = this.instances.get(key);
          if (id === undefined) this.instances.set(key, (id = await this.startInstance(request.plugin, request.config ?? {})));
          return id;
        },
        runPhase: (id, phase) => this.runPhase(id, phase, request.answers),
        // Kong 3.x resets every instance of the plugin on a close, and starts again.
        recover: (message, attempt) => {
          if (message !== 'closed' || attempt >= 3) return false;
          this.instances.clear();
          return true;
        },
      },
    );
  }

  /**
   * One `Rpc:call`: a pooled connection (or a new one), the RpcCall frame, the bridge loop when
   * given (it returns false when the event ended without an RpcReturn), then the RpcReturn,
   * whose sequence must echo the call's. An empty frame in place of an RpcReturn is undefined.
   */
  private async call(call: RpcCallKind, bridge?: (connection: FrameConnection) => Promise<boolean>): Promise<RpcReturn | undefined> {
    const connection = this.idle.pop() ?? (await this.open());
    const sequence = ++this.sequence;
    let reply: RpcReturn | undefined;
    try {
      connection.send(toBinary(RpcCallSchema, create(RpcCallSchema, { sequence: BigInt(sequence), call })));
      if (bridge !== undefined && !(await bridge(connection))) {
        this.drop(connection);
        return undefined;
      }
      const frame = await connection.next(this.options.readTimeoutMs ?? 60_000);
      if (frame.length > 0) {
        reply = fromBinary(RpcReturnSchema, frame);
        if (reply.sequence !== BigInt(sequence)) this.violations.push(`RpcReturn sequence ${reply.sequence} answers call ${sequence}`);
      }
    } catch (error) {
      this.drop(connection);
      throw error instanceof KongRpcError ? error : new KongRpcError((error as Error).message);
    }
    this.idle.push(connection);
    return reply;
  }

  private drop(connection: FrameConnection): void {
    connection.close();
    this.all.delete(connection);
  }

  private open(): Promise<FrameConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.options.socketPath);
      socket.once('error', (error) => reject(new KongRpcError(`trying to connect: ${error.message}`)));
      socket.once('connect', () => {
        this.connectionsOpened++;
        const connection = new FrameConnection(socket);
        this.all.add(connection);
        socket.on('close', () => {
          this.all.delete(connection);
          const at = this.idle.indexOf(connection);
          if (at >= 0) this.idle.splice(at, 1);
        });
        resolve(connection);
      });
    });
  }

  /** Closes every connection, and stops the plugin `start` launched. */
  async close(): Promise<void> {
    for (const connection of this.all) connection.close();
    this.all.clear();
    this.idle.length = 0;
    const child = this.plugin?.process;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
