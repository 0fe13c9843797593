import type { FrameChannel } from '../protobuf/frame-connection.js';
import { encodeFrames } from '../protobuf/frames.js';
import { KongRpcProtocolError } from '../protobuf/protocol-error.js';
import type { WorkerMessage } from './worker-messages.js';

/**
 * A worker thread's side of one ProtoBuf:1 connection the main thread holds (`--workers`): the
 * frames it sends are posted to the main thread to write, and each frame it waits for is asked
 * of the main thread (`pb-next`), which reads it from the socket and posts it back.
 */
export class WorkerFrameChannel implements FrameChannel {
  private waiting: { resolve: (frame: Uint8Array) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly conversation: number,
    private readonly post: (message: WorkerMessage) => void,
  ) {}

  get open(): boolean {
    return this.failure === undefined;
  }

  next(timeoutMs?: number): Promise<Uint8Array> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.post({ kind: 'pb-next', conversation: this.conversation, timeoutMs });
    });
  }

  send(...payloads: Uint8Array[]): void {
    if (this.failure === undefined) this.post({ kind: 'pb-send', conversation: this.conversation, bytes: encodeFrames(payloads) });
  }

  close(): void {
    if (this.failure !== undefined) return;
    this.failure = new KongRpcProtocolError('closed');
    this.post({ kind: 'pb-close', conversation: this.conversation });
  }

  /** The main thread's answer to the last `next`: a frame, or the error its read failed with. */
  deliver(bytes: Uint8Array | undefined, error: string | undefined): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (bytes !== undefined) return waiting?.resolve(bytes);
    this.failure ??= new KongRpcProtocolError(error ?? 'closed');
    waiting?.reject(this.failure);
  }
}
