import { Worker } from 'node:worker_threads';
import type { Logger } from '@tributary/base';
import { GoPdkPlugin } from '../go-pdk/go-pdk-plugin.js';
import type { EmittedRecord } from '../plugin-definition.js';
import type { PluginServer } from '../plugin-server.js';
import type { RpcRespond } from '../rpc-connection-server.js';
import { MsgpackReader } from '@tributary/msgpack';
import type { FrameConnection } from '../protobuf/frame-connection.js';
import type { RpcCall } from '../protobuf/gen/pluginsocket_pb.js';
import type { ProtobufRoute } from '../protobuf/protobuf-connection-server.js';
import { readRpcHeader } from './rpc-header.js';
import type { WorkerCall, WorkerData, WorkerMessage } from './worker-messages.js';

/** A worker thread and the calls it has not answered yet. */
interface PoolWorker {
  readonly thread: Worker;
  readonly pending: Map<number, RpcRespond>;
  /** Routed requests whose encoded response is awaited, by call. */
  readonly rawPending: Map<number, (response: Uint8Array) => void>;
  /** ProtoBuf:1 calls being served on the worker, by conversation: the connection it relays, and the call's end. */
  readonly conversations: Map<number, Conversation>;
}

interface Conversation {
  readonly connection: FrameConnection;
  readonly resolve: (result: 'continue' | 'ended') => void;
  readonly reject: (error: Error) => void;
}

/** The methods that name an instance (HandleEvent, CloseInstance, InstanceStatus) or an event (the Steps). */
const ROUTED_BY_ID = /^plugin\.(HandleEvent|Step\w*|CloseInstance|InstanceStatus)$/;

/** Where the worker thread's script is: beside this file in the sources (loaded through tsx), under `workers/` in the build. */
function workerScript(): { url: URL; execArgv: string[] } {
  if (import.meta.url.endsWith('.ts')) {
    return { url: new URL('./plugin-worker-source.mjs', import.meta.url), execArgv: ['--conditions=@tributary/source'] };
  }
  return { url: new URL('./workers/plugin-worker.js', import.meta.url), execArgv: [] };
}

/**
 * `--workers N`: the JS/TS plugin instances live on N worker threads, each with a PluginServer
 * of its own, while the main thread keeps the sockets, Go plugins and plugin info. An instance
 * or event id says which server holds it (`id % (N + 1)`: 0 the main thread's, k worker k), so
 * every call is routed by one number of its parameters — in MsgPack:1, Steps of one event may
 * come on any connection. A new instance goes to the next worker in turn. In ProtoBuf:1 an
 * event's PDK calls come on its own connection: the worker serves the RpcCall on a relay of
 * that connection (`WorkerFrameChannel`), the main thread writing and reading its frames.
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
    const script = workerScript();
    const workers = await Promise.all(
      Array.from({ length: options.count }, (_, index) => {
        const data: WorkerData = { directory: options.directory, only: options.only, offset: index + 1, stride: options.count + 1, logLevel: options.logLevel };
        const thread = new Worker(script.url, { workerData: data, execArgv: script.execArgv });
        const worker: PoolWorker = { thread, pending: new Map(), rawPending: new Map(), conversations: new Map() };
        return new Promise<PoolWorker>((resolve, reject) => {
          thread.once('error', (error) => {
            options.log.error(`worker ${index + 1} failed: ${error.message}`);
            reject(error);
          });
          thread.on('message', (message: WorkerMessage) => {
            switch (message.kind) {
              case 'ready':
                resolve(worker);
                break;
              case 'answer':
                worker.pending.get(message.call)?.(message.error, message.result);
                worker.pending.delete(message.call);
                break;
              case 'raw-answer':
                worker.rawPending.get(message.call)?.(message.bytes);
                worker.rawPending.delete(message.call);
                break;
              case 'emit':
                options.emit?.(message.tag, message.record);
                break;
              case 'pb-send':
              case 'pb-next':
              case 'pb-close':
              case 'pb-done':
                relay(worker, message);
                break;
              case 'closed':
                void thread.terminate();
                break;
            }
          });
          thread.on('exit', (code) => {
            for (const respond of worker.pending.values()) respond(`the worker thread serving this call exited (code ${code})`);
            worker.pending.clear();
            worker.rawPending.clear(); // Kong's read of these times out, as for a dead server
            for (const conversation of worker.conversations.values()) conversation.reject(new Error(`the worker thread serving this call exited (code ${code})`));
            worker.conversations.clear();
          });
        });
      }),
    );
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
    worker.rawPending.set(call, reply);
    // A copy with a buffer of its own (Buffer#slice would be a view of the socket's): transferred, not cloned.
    const copy = Uint8Array.prototype.slice.call(bytes, start, end);
    worker.thread.postMessage({ kind: 'raw', call, bytes: copy } satisfies WorkerCall, [copy.buffer as ArrayBuffer]);
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
      worker.thread.postMessage({ kind: 'pb-call', conversation, bytes: frame } satisfies WorkerCall);
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
        return this.ownerOf(command.value.instanceId);
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
   * worker in turn (a Go plugin's to the main thread); a call that names an instance or event
   * goes where its id says; anything else to the main thread.
   */
  private ownerFor(method: string, id: unknown, name: unknown): number {
    if (method === 'plugin.StartInstance') return typeof name !== 'string' || this.main.plugin(name) instanceof GoPdkPlugin ? 0 : 1 + (this.nextWorker++ % this.workers.length);
    return ROUTED_BY_ID.test(method) && id !== undefined ? this.ownerOf(id) : 0;
  }

  private ownerOf(id: unknown): number {
    const stride = this.workers.length + 1;
    const n = Math.trunc(Number(id));
    return Number.isFinite(n) ? ((n % stride) + stride) % stride : 0;
  }

  private call(worker: PoolWorker, method: string, params: readonly unknown[], respond: RpcRespond): void {
    const call = this.nextCall++;
    worker.pending.set(call, respond);
    const message: WorkerCall = { kind: 'call', call, method, params };
    worker.thread.postMessage(message);
  }

  /** `plugin.GetStatus` of every server, their instances merged per plugin. */
  private async status(): Promise<unknown> {
    const ask = (worker: PoolWorker) => new Promise<unknown>((resolve, reject) => this.call(worker, 'plugin.GetStatus', [], (error, result) => (error === null ? resolve(result) : reject(new Error(error)))));
    const main = (await this.main.handle('plugin.GetStatus', [])) as { Pid: number; Plugins: Record<string, { Instances: unknown[] }> };
    for (const status of (await Promise.all(this.workers.map(ask))) as Array<typeof main>) {
      for (const [name, plugin] of Object.entries(status.Plugins)) main.Plugins[name]?.Instances.push(...plugin.Instances);
    }
    return main;
  }

  /** Stops every worker thread (their handlers abandoned, as the main thread's). */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.thread.once('exit', () => resolve());
            worker.thread.postMessage({ kind: 'close' } satisfies WorkerCall);
            setTimeout(() => void worker.thread.terminate(), 2000).unref();
          }),
      ),
    );
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
        (bytes) => worker.thread.postMessage({ kind: 'pb-frame', conversation: message.conversation, bytes } satisfies WorkerCall),
        (error: Error) => worker.thread.postMessage({ kind: 'pb-frame', conversation: message.conversation, error: error.message } satisfies WorkerCall),
      );
    case 'pb-done':
      worker.conversations.delete(message.conversation);
      return message.error === undefined ? conversation.resolve(message.result) : conversation.reject(new Error(message.error));
  }
}
