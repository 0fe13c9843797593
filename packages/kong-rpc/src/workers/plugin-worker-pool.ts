import type { Logger } from '@tributary/base';
import { GoPdkPlugin } from '../go-pdk/go-pdk-plugin.js';
import type { EmittedRecord } from '../plugin-definition.js';
import type { PluginServer } from '../plugin-server.js';
import type { RpcRespond } from '../rpc-connection-server.js';
import { MsgpackReader } from '@tributary/msgpack';
import type { RpcCall } from '../protobuf/gen/pluginsocket_pb.js';
import type { ProtobufRoute } from '../protobuf/protobuf-connection-server.js';
import { readRpcHeader } from './rpc-header.js';
import { PoolWorker } from './pool-worker.js';
import type { WorkerData, WorkerMessage } from './worker-messages.js';

/** The methods that name an instance (HandleEvent, CloseInstance, InstanceStatus) or an event (the Steps). */
const ROUTED_BY_ID = /^plugin\.(HandleEvent|Step\w*|CloseInstance|InstanceStatus)$/;

/**
 * `--workers N`: the JS/TS plugin instances live on N worker threads, each with a PluginServer
 * of its own, while the main thread keeps the sockets, Go plugins and plugin info. An instance
 * or event id says which server holds it (`id % (N + 1)`: 0 the main thread's, k worker k), so
 * every call is routed by one number of its parameters — in MsgPack:1, Steps of one event may
 * come on any connection. A new instance goes to the next worker in turn. In ProtoBuf:1 an
 * event's PDK calls come on its own connection: the worker serves the RpcCall on a relay of
 * that connection (`WorkerFrameChannel`), the main thread writing and reading its frames.
 * A worker whose thread ends is started again (`PoolWorker`); meanwhile the main thread takes
 * what would have gone to it.
 */
export class PluginWorkerPool {
  private nextCall = 0;
  private nextWorker = 0;

  private constructor(
    private readonly main: PluginServer,
    private readonly workers: readonly PoolWorker[],
  ) {}

  /** The id offset and stride the main thread's server must use beside `count` workers. */
  static mainIds(count: number): { idOffset: number; idStride: number } {
    return { idOffset: 0, idStride: count + 1 };
  }

  /** Starts `count` workers on the plugins of `directory` (those of `only`), resolving once each has loaded them. */
  static async start(options: { main: PluginServer; directory: string; only?: string | undefined; count: number; logLevel: string; log: Logger; emit: ((tag: string, record: EmittedRecord) => void) | undefined }): Promise<PluginWorkerPool> {
    const workers = Array.from({ length: options.count }, (_, index) => {
      const data: WorkerData = { directory: options.directory, only: options.only, offset: index + 1, stride: options.count + 1, logLevel: options.logLevel };
      return new PoolWorker(index + 1, data, options.log, options.emit, relay);
    });
    try {
      await Promise.all(workers.map((worker) => worker.ready));
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.close()));
      throw error;
    }
    options.log.info(`serving JS/TS plugins on ${options.count} worker threads`);
    return new PluginWorkerPool(options.main, workers);
  }

  /**
   * The routing path (`RpcRawRoute`): reads only a request's header and, when a worker holds
   * what it names, hands the worker the request's bytes and writes back the worker's encoded
   * response — the main thread decodes and encodes nothing for it. False leaves the request to
   * `dispatch` (the main thread's server, GetStatus, anything not Kong's shape).
   */
  readonly route = (bytes: Uint8Array, start: number, end: number, reply: (response: Uint8Array) => void): boolean => {
    const header = readRpcHeader(this.headerReader, bytes, start, end);
    if (header === undefined) return false;
    const owner = this.ownerFor(header.method, header.id, header.name);
    if (owner === 0) return false;
    const worker = this.workers[owner - 1]!;
    const call = this.nextCall++;
    worker.rawPending.set(call, { reply, msgid: header.msgid });
    // A copy with a buffer of its own (Buffer#slice would be a view of the socket's): transferred, not cloned.
    const copy = Uint8Array.prototype.slice.call(bytes, start, end);
    worker.post({ kind: 'raw', call, bytes: copy }, [copy.buffer as ArrayBuffer]);
    return true;
  };

  /**
   * The ProtoBuf:1 route (`ProtobufRoute`): an RpcCall that names a worker's instance, or
   * starts a JS/TS plugin's, is served by that worker on a relay of `connection`; undefined
   * leaves the call to the main thread's server.
   */
  readonly routeProtobuf: ProtobufRoute = (call, frame, connection) => {
    const owner = this.protobufOwner(call);
    if (owner === 0) return undefined;
    const worker = this.workers[owner - 1]!;
    const conversation = this.nextCall++;
    return new Promise((resolve, reject) => {
      worker.conversations.set(conversation, { connection, resolve, reject });
      worker.post({ kind: 'pb-call', conversation, bytes: frame });
    });
  };

  private protobufOwner(call: RpcCall): number {
    const command = call.call;
    switch (command.case) {
      case 'cmdStartInstance':
        return this.ownerFor('plugin.StartInstance', undefined, command.value.name);
      case 'cmdHandleEvent':
      case 'cmdCloseInstance':
      case 'cmdGetInstanceStatus':
        return this.liveOwner(this.ownerOf(command.value.instanceId));
      default:
        return 0;
    }
  }

  private readonly headerReader = new MsgpackReader(new Uint8Array(0), 0, 0, { cacheShortStrings: true });

  /** Routes one decoded `plugin.*` call: to the server its id names, a new instance to a worker in turn (a Go plugin's to the main thread). */
  dispatch(method: string, params: readonly unknown[], respond: RpcRespond): void {
    if (method === 'plugin.GetStatus') return void this.status().then((status) => respond(null, status), (error: Error) => respond(error.message));
    const param = params[0] as Record<string, unknown> | number | undefined;
    const field = (name: string) => (typeof param === 'object' && param !== null ? param[name] : undefined);
    // The same fields the header reader takes: a bare id, or a map's InstanceId/EventId, and Name.
    const owner = this.ownerFor(method, typeof param === 'number' ? param : (field('InstanceId') ?? field('EventId')), field('Name'));
    if (owner === 0) return this.main.dispatch(method, params, respond);
    this.call(this.workers[owner - 1]!, method, params, respond);
  }

  /**
   * The server a call goes to: 0 the main thread's, k worker k. A new instance goes to the next
   * live worker in turn (a Go plugin's, or any when no worker is live, to the main thread); a call
   * that names an instance or event goes where its id says — to the main thread, which does not
   * know it, while that worker is being restarted; anything else to the main thread.
   */
  private ownerFor(method: string, id: unknown, name: unknown): number {
    if (method === 'plugin.StartInstance') return typeof name !== 'string' || this.main.plugin(name) instanceof GoPdkPlugin ? 0 : this.nextLiveWorker();
    return ROUTED_BY_ID.test(method) && id !== undefined ? this.liveOwner(this.ownerOf(id)) : 0;
  }

  private nextLiveWorker(): number {
    for (let tries = 0; tries < this.workers.length; tries++) {
      const owner = 1 + (this.nextWorker++ % this.workers.length);
      if (this.workers[owner - 1]!.live) return owner;
    }
    return 0;
  }

  private liveOwner(owner: number): number {
    return owner > 0 && this.workers[owner - 1]!.live ? owner : 0;
  }

  private ownerOf(id: unknown): number {
    const stride = this.workers.length + 1;
    const n = Math.trunc(Number(id));
    return Number.isFinite(n) ? ((n % stride) + stride) % stride : 0;
  }

  private call(worker: PoolWorker, method: string, params: readonly unknown[], respond: RpcRespond): void {
    const call = this.nextCall++;
    worker.pending.set(call, respond);
    worker.post({ kind: 'call', call, method, params });
  }

  /** `plugin.GetStatus` of every server, their instances merged per plugin. */
  private async status(): Promise<unknown> {
    const ask = (worker: PoolWorker) => new Promise<unknown>((resolve, reject) => this.call(worker, 'plugin.GetStatus', [], (error, result) => (error === null ? resolve(result) : reject(new Error(error)))));
    const main = (await this.main.handle('plugin.GetStatus', [])) as { Pid: number; Plugins: Record<string, { Instances: unknown[] }> };
    for (const status of (await Promise.all(this.workers.filter((worker) => worker.live).map(ask))) as Array<typeof main>) {
      for (const [name, plugin] of Object.entries(status.Plugins)) main.Plugins[name]?.Instances.push(...plugin.Instances);
    }
    return main;
  }

  /** Stops every worker thread (their handlers abandoned, as the main thread's). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}

/** Does what a worker asks on the ProtoBuf:1 connection it serves a call on. */
function relay(worker: PoolWorker, message: Extract<WorkerMessage, { conversation: number }>): void {
  const conversation = worker.conversations.get(message.conversation);
  if (conversation === undefined) return;
  const { connection } = conversation;
  switch (message.kind) {
    case 'pb-send':
      return connection.sendEncoded(message.bytes);
    case 'pb-close':
      return connection.close();
    case 'pb-next':
      return void connection.next(message.timeoutMs).then(
        (bytes) => worker.post({ kind: 'pb-frame', conversation: message.conversation, bytes }),
        (error: Error) => worker.post({ kind: 'pb-frame', conversation: message.conversation, error: error.message }),
      );
    case 'pb-done':
      worker.conversations.delete(message.conversation);
      return message.error === undefined ? conversation.resolve(message.result) : conversation.reject(new Error(message.error));
  }
}
