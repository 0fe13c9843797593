import type { Socket } from 'node:net';
import { encodeFrames, FrameReader } from './frames.js';
import { KongRpcProtocolError } from './protocol-error.js';

/** One ProtoBuf:1 conversation as a server runs it: frames read in order, frames written whole. */
export interface FrameChannel {
  /** Whether the channel can still be read. */
  readonly open: boolean;
  /** The next frame; fails when the conversation ends first, or after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<Uint8Array>;
  /** Writes frames, in one write. */
  send(...payloads: Uint8Array[]): void;
  close(): void;
}

/**
 * A ProtoBuf:1 conversation on one socket: frames read in order (`next`), written whole
 * (`send`). Once the peer closes, breaks the framing or stays silent past a timeout, every
 * wait fails with a KongRpcProtocolError saying so.
 */
export class FrameConnection implements FrameChannel {
  private readonly reader = new FrameReader();
  private readonly frames: Uint8Array[] = [];
  private waiting: { resolve: (frame: Uint8Array) => void; reject: (error: Error) => void; timer?: NodeJS.Timeout } | undefined;
  private failure: Error | undefined;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of this.reader.push(chunk)) this.frames.push(frame);
      } catch (error) {
        this.fail(error as Error);
        socket.destroy();
        return;
      }
      this.wake();
    });
    socket.on('error', (error) => this.fail(new KongRpcProtocolError(error.message, { cause: error })));
    socket.on('close', () => this.fail(new KongRpcProtocolError(this.reader.buffered > 0 ? 'closed inside a frame' : 'closed')));
  }

  /** Whether the connection can still be read. */
  get open(): boolean {
    return this.failure === undefined;
  }

  /** The next frame; fails when the connection ends first, or after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<Uint8Array> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      if (timeoutMs !== undefined) this.waiting.timer = setTimeout(() => this.fail(new KongRpcProtocolError('timeout')), timeoutMs);
    });
  }

  /** Writes frames, in one write (a PDK call's method and arguments go together). */
  send(...payloads: Uint8Array[]): void {
    this.sendEncoded(encodeFrames(payloads));
  }

  /** Writes frames already encoded back to back (`encodeFrames`). */
  sendEncoded(frames: Uint8Array): void {
    if (this.failure === undefined) this.socket.write(frames);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiting = this.waiting;
    if (waiting === undefined || this.frames.length === 0) return;
    this.waiting = undefined;
    clearTimeout(waiting.timer);
    waiting.resolve(this.frames.shift()!);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    clearTimeout(waiting.timer);
    waiting.reject(this.failure);
  }
}
