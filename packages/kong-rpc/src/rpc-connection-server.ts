import { existsSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { MsgpackDecodeError, MsgpackStreamDecoder } from './msgpack-stream-decoder.js';
import { RpcReplyEncoder } from './rpc-reply-encoder.js';

/** How a handler answers one call: an error message, or null and the result. */
export type RpcRespond = (error: string | null, result?: unknown) => void;

/** Handles one RPC method call and answers it exactly once through `respond`. */
export type RpcHandler = (method: string, params: unknown[], respond: RpcRespond) => void;

export interface RpcServerLog {
  debug(message: string): void;
  warn(message: string): void;
}

const REQUEST = 0;
const RESPONSE = 1;
const NOTIFICATION = 2;

/**
 * MessagePack-RPC over a Unix socket as Kong speaks it: `[2, "serverPid", pid]` right after
 * accept and never later; then for each `[0, msgid, method, params]` exactly one
 * `[1, msgid, error|nil, result|nil]` on the same connection, the error always a string.
 * Requests are dispatched as soon as they are decoded; state never lives in a connection.
 */
export class RpcConnectionServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly encoder = new RpcReplyEncoder();

  constructor(
    private readonly handle: RpcHandler,
    private readonly log: RpcServerLog,
    /** A connection whose unfinished message grows past this is closed (default 256 MiB). */
    private readonly maxMessageBytes = 256 * 1024 * 1024,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on `path`, removing a stale socket file first, as every Kong plugin server does. */
  listen(path: string): Promise<void> {
    if (existsSync(path)) unlinkSync(path);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting, ends open connections and removes the socket file. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const decoder = new MsgpackStreamDecoder();
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    // Kong may drop a pooled connection at any time (EPIPE, ECONNRESET): log it, never crash.
    socket.on('error', (error) => this.log.debug(`connection error: ${error.message}`));
    socket.write(this.encoder.encode([NOTIFICATION, 'serverPid', process.pid]));
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        const reason = error instanceof MsgpackDecodeError ? error.message : String(error);
        this.log.warn(`closing a connection that sent bytes that are not msgpack: ${reason}`);
        socket.destroy();
        return;
      }
      for (const message of messages) this.dispatch(socket, message);
      if (decoder.buffered > this.maxMessageBytes) {
        this.log.warn(`closing a connection whose message exceeds ${this.maxMessageBytes} bytes`);
        socket.destroy();
      }
    });
  }

  private dispatch(socket: Socket, message: unknown): void {
    if (!Array.isArray(message) || message[0] !== REQUEST || message.length < 3) {
      this.log.warn(`ignoring a message that is not a msgpack-rpc request: ${describe(message)}`);
      return;
    }
    const [, msgid, method, params] = message as [number, unknown, unknown, unknown];
    const args = Array.isArray(params) ? params : params === undefined || params === null ? [] : [params];
    const reply: RpcRespond = (error, result) => {
      if (socket.destroyed) return;
      socket.write(this.encoder.encode([RESPONSE, msgid, error, error === null ? result ?? null : null]));
    };
    if (typeof method !== 'string') {
      reply('method name must be a string', null);
      return;
    }
    try {
      this.handle(method, args, reply);
    } catch (error) {
      reply(error instanceof Error ? error.message : String(error), null);
    }
  }
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
