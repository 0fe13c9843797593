import { Worker } from 'node:worker_threads';
import type { Logger } from '@tributary/base';
import type { EmittedRecord } from '../plugin-definition.js';
import type { FrameConnection } from '../protobuf/frame-connection.js';
import type { RpcRespond } from '../rpc-connection-server.js';
import { RpcMessageEncoder } from '../rpc-message-encoder.js';
import type { WorkerCall, WorkerData, WorkerMessage } from './worker-messages.js';

/** A ProtoBuf:1 call a worker serves on a relay of the main thread's connection. */
export interface Conversation {
  readonly connection: FrameConnection;
  readonly resolve: (result: 'continue' | 'ended') => void;
  readonly reject: (error: Error) => void;
}

/** A MsgPack:1 request handed to a worker as bytes: where its encoded response goes, and its msgid for an error in its place. */
interface RawCall {
  readonly reply: (response: Uint8Array) => void;
  readonly msgid: number;
}

/** A worker that dies this soon after it started is restarted after a growing delay, from 1 s up to 30 s. */
const QUICK_EXIT_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

/** Where the worker thread's script is: beside this file in the sources (loaded through tsx), under `workers/` in the build. */
function workerScript(): { url: URL; execArgv: string[] } {
  if (import.meta.url.endsWith('.ts')) {
    return { url: new URL('./plugin-worker-source.mjs', import.meta.url), execArgv: ['--conditions=@tributary/source'] };
  }
  return { url: new URL('./workers/plugin-worker.js', import.meta.url), execArgv: [] };
}

/**
 * One worker thread of the pool and the calls it has not answered yet. When the thread exits
 * (a plugin called `process.exit`, or crashed it), its calls in flight fail at once — a MsgPack:1
 * error response, a closed ProtoBuf:1 connection — and a new thread is started (at once, or after
 * a growing delay when it keeps dying). Its instances are lost: until the new thread is ready the
 * pool routes nothing to it, and the ids Kong still has get "No plugin instance", on which Kong
 * starts them again.
 */
export class PoolWorker {
  /** Whether the thread has loaded its plugins and can take calls. */
  live = false;
  readonly pending = new Map<number, RpcRespond>();
  readonly rawPending = new Map<number, RawCall>();
  readonly conversations = new Map<number, Conversation>();
  /** Resolves once the first thread has loaded its plugins; rejects when it could not. */
  readonly ready: Promise<void>;
  private thread!: Worker;
  private startedAt = 0;
  private backoffMs = 0;
  private closing = false;
  /** Whether a thread of this worker ever loaded its plugins (a pool whose first start fails restarts nothing: its start fails). */
  private everLive = false;
  private readonly encoder = new RpcMessageEncoder();

  constructor(
    readonly number: number,
    private readonly data: WorkerData,
    private readonly log: Logger,
    private readonly emit: ((tag: string, record: EmittedRecord) => void) | undefined,
    private readonly relay: (worker: PoolWorker, message: Extract<WorkerMessage, { conversation: number }>) => void,
  ) {
    this.ready = this.launch();
  }

  post(message: WorkerCall, transfer?: ArrayBuffer[]): void {
    this.thread.postMessage(message, transfer);
  }

  /** Stops the thread (its handlers abandoned), for good. */
  close(): Promise<void> {
    this.closing = true;
    if (this.thread.threadId === -1) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.thread.once('exit', () => resolve());
      this.thread.postMessage({ kind: 'close' } satisfies WorkerCall);
      setTimeout(() => void this.thread.terminate(), 2000).unref();
    });
  }

  private launch(): Promise<void> {
    const script = workerScript();
    const thread = new Worker(script.url, { workerData: this.data, execArgv: script.execArgv });
    this.thread = thread;
    this.startedAt = Date.now();
    return new Promise<void>((resolve, reject) => {
      thread.once('error', (error) => this.log.error(`worker ${this.number} failed: ${error.message}`));
      thread.on('message', (message: WorkerMessage) => {
        if (message.kind !== 'ready') return this.receive(thread, message);
        this.live = this.everLive = true;
        resolve();
      });
      thread.on('exit', (code) => {
        this.live = false;
        this.failInFlight(`the worker thread serving this call exited (code ${code})`);
        reject(new Error(`worker ${this.number} exited (code ${code}) before it loaded the plugins`));
        if (!this.closing && this.everLive) this.restart(code);
      });
    });
  }

  private restart(code: number): void {
    const quick = Date.now() - this.startedAt < QUICK_EXIT_MS;
    this.backoffMs = quick ? Math.min(MAX_BACKOFF_MS, Math.max(1000, this.backoffMs * 2)) : 0;
    this.log.error(`worker ${this.number} exited (code ${code}): its plugin instances are lost, Kong starts them again; starting the worker again${this.backoffMs > 0 ? ` in ${this.backoffMs / 1000} s` : ''}`);
    setTimeout(() => {
      if (!this.closing) this.launch().catch(() => undefined);
    }, this.backoffMs).unref();
  }

  private failInFlight(error: string): void {
    for (const respond of this.pending.values()) respond(error);
    this.pending.clear();
    for (const { reply, msgid } of this.rawPending.values()) reply(this.encoder.response(msgid, error, null));
    this.rawPending.clear();
    for (const conversation of this.conversations.values()) conversation.reject(new Error(error));
    this.conversations.clear();
  }

  private receive(thread: Worker, message: Exclude<WorkerMessage, { kind: 'ready' }>): void {
    switch (message.kind) {
      case 'answer':
        this.pending.get(message.call)?.(message.error, message.result);
        this.pending.delete(message.call);
        return;
      case 'raw-answer':
        this.rawPending.get(message.call)?.reply(message.bytes);
        this.rawPending.delete(message.call);
        return;
      case 'emit':
        return this.emit?.(message.tag, message.record);
      case 'pb-send':
      case 'pb-next':
      case 'pb-close':
      case 'pb-done':
        return this.relay(this, message);
      case 'closed':
        return void thread.terminate();
    }
  }
}
