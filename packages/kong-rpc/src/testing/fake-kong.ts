import { exec } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { decodeMulti, DecodeError } from '@msgpack/msgpack';
import { TributaryError } from '@tributary/base';
import type { PluginInfo } from '../plugin-info.js';
import type { SchemaFields } from '../schema.js';
import { encodeLikeKong, LuaMap, LuaString } from './lua-msgpack-encoder.js';
import { ProtobufFakeKong } from './protobuf-fake-kong.js';
import { HTTP_PHASES, runRequestPhases } from './request-run.js';
import { withBuffers } from '../with-buffers.js';

/**
 * Which Kong to behave as. `2.x`: PDK errors arrive as `plugin.StepError`, raw bodies as
 * `str`, and only the exact text `No plugin instance` triggers recovery (2.0–2.4).
 * `3.x`: first return value only (errors are lost), raw bodies as `bin`. `3.9`: as 3.x, and
 * only the first plugin of a query dump is used.
 */
export type KongMode = '2.x' | '3.x' | '3.9';

/** A PDK result Kong gets as Lua `nil, err`. */
export class PdkFailure {
  constructor(readonly message: string) {}
}

/** An error Kong would see: a string a plugin server answered, or a broken conversation. */
export class KongRpcError extends TributaryError<'KONG_RPC'> {
  constructor(message: string) {
    super('KONG_RPC', message);
    this.name = 'KongRpcError';
  }
}


/**
 * What one call has read so far, decoded with a standard msgpack decoder (never the server's
 * own), as Kong decodes with a fresh unpacker per call.
 */
class CallReader {
  private pending = Buffer.alloc(0);
  private taken = 0;

  /** The messages that `chunk` completes, and whether an unfinished one is left. */
  read(chunk: Buffer): { messages: unknown[]; unfinished: boolean } {
    this.pending = Buffer.concat([this.pending, chunk]);
    const messages: unknown[] = [];
    let index = 0;
    try {
      for (const message of decodeMulti(this.pending)) {
        if (index++ < this.taken) continue;
        this.taken++;
        messages.push(withBuffers(message));
      }
    } catch (error) {
      if (error instanceof DecodeError) throw new KongRpcError(`invalid msgpack from the plugin server: ${error.message}`);
      // RangeError: the last message is not complete yet.
      return { messages, unfinished: true };
    }
    return { messages, unfinished: false };
  }
}

/** How PDK calls are answered: per Lua method name, a value or a function of the call's args. */
export type PdkAnswers = { readonly [method: string]: unknown };

/** One PDK call a handler made, as Kong received it. */
export interface PdkCallRecord {
  method: string;
  args: unknown[];
}

/** What one phase did. */
export interface PhaseRun {
  phase: string;
  calls: PdkCallRecord[];
  /** The terminal call (`kong.response.exit`/`error`), which Kong never answers. */
  exit?: PdkCallRecord;
}

/** What a whole request did: each phase run, and errors Kong would log (the plugin is then skipped). */
export interface RequestRun {
  instanceId: number;
  phases: PhaseRun[];
  errors: string[];
  /** How many times "no plugin instance" made Kong start a new instance. */
  restarts: number;
}

export interface FakeKongOptions {
  /** The socket `pluginserver_<name>_socket` names. */
  socketPath: string;
  mode?: KongMode;
  /** Kong waits this long for any answer (its `lua_socket_read_timeout`, 60 s), then fails with "no data". */
  readTimeoutMs?: number;
}

const TERMINAL = new Set(['kong.response.exit', 'kong.response.error']);
const MULTIMAP = new Set(['kong.request.get_query', 'kong.request.get_headers', 'kong.response.get_headers', 'kong.service.response.get_headers']);
const RAW_BODY = new Set(['kong.request.get_raw_body', 'kong.response.get_raw_body', 'kong.service.response.get_raw_body']);
const STEP_BY_METHOD: Record<string, string> = {
  'kong.client.get_credential': 'plugin.StepCredential',
  'kong.client.authenticate': 'plugin.StepCredential',
  'kong.client.load_consumer': 'plugin.StepConsumer',
  'kong.client.get_consumer': 'plugin.StepConsumer',
  'kong.node.get_memory_stats': 'plugin.StepMemoryStats',
  'kong.router.get_route': 'plugin.StepRoute',
  'kong.router.get_service': 'plugin.StepService',
};

interface PooledConnection {
  socket: Socket;
  /** Calls made on it so far. */
  calls: number;
  /** Set while a call reads; otherwise any byte that arrives is a protocol violation. */
  onData?: (chunk: Buffer) => void;
  onEnd?: (error: Error) => void;
}

/**
 * Drives any Kong plugin server over its real Unix socket exactly as Kong does (spec 8.2):
 * pooled connections with one outstanding request each, a fresh unpacker per call,
 * `serverPid` notifications, the HandleEvent/Step loop with Kong's Step variants and value
 * conversions, terminal calls never answered, and "no plugin instance" recovery. Use it to
 * test plugins and plugin servers; every deviation from what Kong accepts is recorded in
 * `violations`.
 */
export class FakeKong implements AsyncDisposable {
  readonly mode: KongMode;
  /** Each distinct `serverPid` announced, in order. */
  readonly serverPids: number[] = [];
  /** Things a real Kong would choke on (extra bytes, wrong msgids ...). */
  readonly violations: string[] = [];
  connectionsOpened = 0;
  private readonly idle: PooledConnection[] = [];
  private readonly all = new Set<PooledConnection>();
  private msgid = 0;
  private readonly instances = new Map<string, number>();
  private seq = 0;

  constructor(private readonly options: FakeKongOptions) {
    this.mode = options.mode ?? '3.x';
  }

  /** One `Rpc:call`: connect (or reuse), send one request, read until its response. */
  async call(method: string, param: unknown): Promise<unknown> {
    const connection = this.idle.pop() ?? (await this.open());
    const id = ++this.msgid;
    connection.calls++;
    const reader = new CallReader();
    let response: unknown[];
    try {
      response = await new Promise<unknown[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new KongRpcError('no data')), this.options.readTimeoutMs ?? 60_000);
        connection.onEnd = (error) => {
          clearTimeout(timer);
          reject(error);
        };
        connection.onData = (chunk) => {
          let read: { messages: unknown[]; unfinished: boolean };
          try {
            read = reader.read(chunk);
          } catch (error) {
            clearTimeout(timer);
            return reject(error);
          }
          const { messages } = read;
          for (let i = 0; i < messages.length; i++) {
            const message = messages[i] as unknown[];
            if (Array.isArray(message) && message[0] === 2) {
              if (connection.calls > 1) this.violations.push(`notification ${JSON.stringify(message)} after the first call on a connection`);
              this.notification(message);
              continue;
            }
            clearTimeout(timer);
            if (!Array.isArray(message) || message[0] !== 1) return reject(new KongRpcError('RPC response expected from Go plugin server'));
            if (message[1] !== id) return reject(new KongRpcError('unexpected RPC response ID from Go plugin server'));
            if (i < messages.length - 1 || read.unfinished) {
              this.violations.push(`bytes after the response to ${method} in the same read: Kong's per-call unpacker drops them`);
            }
            return resolve(message);
          }
        };
        connection.socket.write(encodeLikeKong([0, id, method, [param]]));
      });
    } catch (error) {
      // A timeout or a broken connection: Kong closes it rather than pooling it.
      connection.socket.destroy();
      this.all.delete(connection);
      throw error;
    }
    connection.onData = undefined;
    connection.onEnd = undefined;
    this.idle.push(connection);
    const [, , error, result] = response;
    if (error !== null && error !== undefined) {
      if (typeof error !== 'string') this.violations.push(`${method} answered an error that is not a string: ${JSON.stringify(error)}`);
      throw new KongRpcError(String(error));
    }
    return result;
  }

  private notification(message: unknown[]): void {
    if (message[1] !== 'serverPid') return;
    if (typeof message[2] !== 'number') this.violations.push(`serverPid carries ${JSON.stringify(message[2])}, not a bare integer`);
    const pid = Number(message[2]);
    if (this.serverPids.at(-1) !== pid) {
      if (this.serverPids.length > 0) this.instances.clear(); // a restarted server: forget its instances
      this.serverPids.push(pid);
    }
  }

  private open(): Promise<PooledConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.options.socketPath);
      const connection: PooledConnection = { socket, calls: 0 };
      socket.once('error', (error) => reject(new KongRpcError(`trying to connect: ${error.message}`)));
      socket.once('connect', () => {
        this.connectionsOpened++;
        this.all.add(connection);
        socket.on('error', (error) => connection.onEnd?.(new KongRpcError(error.message)));
        socket.on('close', () => {
          this.all.delete(connection);
          const at = this.idle.indexOf(connection);
          if (at >= 0) this.idle.splice(at, 1);
          connection.onEnd?.(new KongRpcError('closed'));
        });
        socket.on('data', (chunk: Buffer) => {
          if (connection.onData) return connection.onData(chunk);
          // Outside a call Kong is not reading: the bytes will be taken as the start of the
          // next call's reply. Only the serverPid notification right after accept is expected.
          let messages: unknown[];
          try {
            messages = new CallReader().read(chunk).messages;
          } catch (error) {
            this.violations.push((error as Error).message);
            return;
          }
          for (const message of messages) {
            if (Array.isArray(message) && message[0] === 2 && connection.calls === 0) this.notification(message);
            else this.violations.push(`unexpected message between calls: ${JSON.stringify(message)}`);
          }
        });
        resolve(connection);
      });
    });
  }

  /** `plugin.StartInstance` with Kong's injected config keys; returns the instance id. */
  async startInstance(name: string, config: Record<string, unknown>): Promise<number> {
    const seq = ++this.seq;
    const injected =
      this.mode === '2.x'
        ? { __key__: `plugins:${name}::::`, __seq__: seq, route_id: null, service_id: null, consumer_id: null }
        : { __plugin_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, __seq__: seq, plugin_instance_name: name, __ws_id: null };
    const result = (await this.call('plugin.StartInstance', { Name: name, Config: JSON.stringify({ ...config, ...injected }) })) as { Id?: unknown };
    if (typeof result?.Id !== 'number') throw new KongRpcError(`StartInstance returned no numeric Id: ${JSON.stringify(result)}`);
    return result.Id;
  }

  /** `plugin.CloseInstance`; Kong ignores the outcome. */
  async closeInstance(id: number): Promise<void> {
    await this.call('plugin.CloseInstance', id).catch(() => undefined);
  }

  /** Runs one phase of one instance, answering PDK calls from `answers`, as Kong's bridge loop does. */
  async runPhase(instanceId: number, phase: string, answers: PdkAnswers = {}): Promise<PhaseRun> {
    const run: PhaseRun = { phase, calls: [] };
    let step = (await this.call('plugin.HandleEvent', { InstanceId: instanceId, EventName: phase })) as { EventId: number; Data: unknown };
    const eventId = step.EventId;
    for (;;) {
      if (step.Data === 'ret') return run;
      const data = step.Data as { Method?: unknown; Args?: unknown };
      if (typeof data?.Method !== 'string') throw new KongRpcError(`event ${eventId} sent ${JSON.stringify(step.Data)}, neither "ret" nor {Method, Args}`);
      const args = Array.isArray(data.Args) ? data.Args : [data.Args];
      const record = { method: data.Method, args };
      run.calls.push(record);
      if (TERMINAL.has(data.Method)) {
        run.exit = record; // Kong yields or exits: the event is never answered.
        return run;
      }
      const result = await this.answer(answers, data.Method, args);
      const [method, payload] = this.stepFor(data.Method, result);
      step = (await this.call(method, payload === undefined ? { EventId: eventId } : { EventId: eventId, Data: payload })) as typeof step;
    }
  }

  private async answer(answers: PdkAnswers, method: string, args: unknown[]): Promise<unknown> {
    const answer = answers[method];
    return typeof answer === 'function' ? await (answer as (...a: unknown[]) => unknown)(...args) : answer;
  }

  /** Kong's choice of Step variant and payload (spec 2.4) for one PDK result. */
  private stepFor(method: string, result: unknown): [string, unknown] {
    if (result instanceof PdkFailure) return this.mode === '2.x' ? ['plugin.StepError', result.message] : ['plugin.Step', undefined];
    if (result === null || result === undefined) return ['plugin.Step', undefined];
    if (typeof result === 'object' && '_method' in result) return [String((result as { _method: unknown })._method), result];
    if (STEP_BY_METHOD[method]) return [STEP_BY_METHOD[method], result];
    if (MULTIMAP.has(method)) return ['plugin.StepMultiMap', fixMultimap(result)];
    if (RAW_BODY.has(method) && Buffer.isBuffer(result)) return ['plugin.Step', this.mode === '2.x' ? new LuaString(result) : result];
    return ['plugin.Step', result];
  }

  /**
   * A whole request through one plugin: start (or reuse) its instance for `config` (with the
 * schema's defaults filled in, as Kong does), run its
   * phases in Kong's order, skip the rest after a terminal call (but still log), restart the
   * instance when the server says "No plugin instance", and log-and-skip on other errors.
   */
  async runRequest(request: { plugin: string; config?: Record<string, unknown>; answers?: PdkAnswers; phases?: string[]; https?: boolean }): Promise<RequestRun> {
    const key = `${request.plugin}:${JSON.stringify(request.config ?? {})}`;
    const info = request.phases ? undefined : await this.pluginInfo(request.plugin);
    const phases = request.phases ?? info!.Phases;
    const config = info ? withSchemaDefaults(info.Schema.fields[0].config.fields, request.config ?? {}) : (request.config ?? {});
    const order = HTTP_PHASES.filter((phase) => phases.includes(phase) && (phase !== 'certificate' || request.https));
    return runRequestPhases(order, {
      instance: async () => {
        let id = this.instances.get(key);
        if (id === undefined) this.instances.set(key, (id = await this.startInstance(request.plugin, config)));
        return id;
      },
      runPhase: (id, phase) => this.runPhase(id, phase, request.answers),
      recover: (message, attempt) => {
        if (!this.isNoPluginInstance(message)) return false;
        if (attempt >= 3) throw new KongRpcError(`recovery loop: still "${message}" after ${attempt} restarts`);
        this.instances.delete(key);
        return true;
      },
    });
  }

  private isNoPluginInstance(message: string): boolean {
    return this.mode === '2.x' ? message.includes('No plugin instance') : message.toLowerCase().includes('no plugin instance');
  }

  /**
   * A fake Kong for a go-pdk plugin executable (ProtoBuf:1): starts it with its own prefix,
   * as Kong does, and drives it over its socket. See `ProtobufFakeKong`.
   */
  static protobuf(executable: string, options?: { prefix?: string; readTimeoutMs?: number }): Promise<ProtobufFakeKong> {
    return ProtobufFakeKong.start(executable, options);
  }

  /** `plugin.GetPluginInfo`. */
  async pluginInfo(name: string): Promise<PluginInfo> {
    return (await this.call('plugin.GetPluginInfo', name)) as PluginInfo;
  }

  /**
   * Runs a `pluginserver_<name>_query_cmd` through `sh -c` and reads its stdout as Kong does:
   * all of it must be JSON, `[PluginInfo]` or `{Protocol, Plugins}`; Kong 3.9 uses the first only.
   */
  static query(command: string, mode: KongMode = '3.x'): Promise<{ protocol: string; plugins: PluginInfo[] }> {
    return new Promise((resolve, reject) => {
      exec(command, { shell: '/bin/sh' }, (error, stdout) => {
        if (error) return reject(new KongRpcError(`query command failed: ${error.message}`));
        let dump: unknown;
        try {
          dump = JSON.parse(stdout);
        } catch {
          return reject(new KongRpcError(`not a plugin info table: stdout is not JSON: ${JSON.stringify(stdout.slice(0, 200))}`));
        }
        if (typeof dump !== 'object' || dump === null) return reject(new KongRpcError('not a plugin info table'));
        const object = dump as { Protocol?: string; Plugins?: PluginInfo[] };
        const plugins = (object.Plugins ?? dump) as PluginInfo[];
        resolve({ protocol: object.Protocol ?? 'MsgPack:1', plugins: mode === '3.9' ? plugins.slice(0, 1) : plugins });
      });
    });
  }

  /** Closes every pooled connection. */
  async close(): Promise<void> {
    for (const connection of this.all) connection.socket.destroy();
    this.all.clear();
    this.idle.length = 0;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The config Kong sends after validating it against the plugin's schema: defaults filled in,
 * unset optional fields as null (JSON `null` from `ngx.null`), records recursively.
 */
function withSchemaDefaults(fields: SchemaFields, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const entry of fields) {
    for (const [name, field] of Object.entries(entry)) {
      if (out[name] === undefined) out[name] = field.default ?? null;
      if (field.type === 'record' && field.fields && typeof out[name] === 'object' && out[name] !== null) {
        out[name] = withSchemaDefaults(field.fields, out[name] as Record<string, unknown>);
      }
    }
  }
  return out;
}

/** Kong's `fix_mmap`: `true` → `[]`, a string → `[s]`, arrays unchanged; empty → an empty map. */
function fixMultimap(result: unknown): LuaMap {
  const entries: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
    entries[key] = value === true ? [] : typeof value === 'string' ? [value] : value;
  }
  return new LuaMap(entries);
}
