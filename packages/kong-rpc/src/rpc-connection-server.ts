import type { Socket } from 'node:net';
import { messageOf, type Logger } from '@tributary/base';
import { MsgpackFormatError } from '@tributary/msgpack';
import { RpcMessageEncoder } from './rpc-message-encoder.js';
import { RpcStreamDecoder } from './rpc-stream-decoder.js';
import { PluginSocketServer } from './plugin-socket-server.js';

/** How a handler answers one call: an error message, or null and the result. */
export type RpcRespond = (error: string | null, result?: unknown) => void;

/** Handles one RPC method call and answers it exactly once through `respond`. */
export type RpcHandler = (method: string, params: unknown[], respond: RpcRespond) => void;

/**
 * Takes a request undecoded when it can answer it itself (a worker thread routing it by its
 * header): true when it did, and will `reply` with the encoded response; false to have it
 * decoded and handled as usual.
 */
export type RpcRawRoute = (bytes: Uint8Array, start: number, end: number, reply: (response: Uint8Array) => void) => boolean;

const REQUEST = 0;


/**
 * MessagePack-RPC over a Unix socket as Kong speaks it: `[2, "serverPid", pid]` right after
 * accept and never later; then for each `[0, msgid, method, params]` exactly one
 * `[1, msgid, error|nil, result|nil]` on the same connection, the error always a string.
 * Requests are dispatched as soon as they are decoded; state never lives in a connection.
 */
export class RpcConnectionServer {
  private readonly server: PluginSocketServer;
  private readonly encoder = new RpcMessageEncoder();

  constructor(
    private readonly handle: RpcHandler,
    private readonly log: Pick<Logger, 'debug' | 'warn'>,
    /** A connection whose unfinished message grows past this is closed (default 256 MiB). */
    private readonly maxMessageBytes = 256 * 1024 * 1024,
    private readonly raw?: RpcRawRoute,
  ) {
    this.server = new PluginSocketServer((socket) => this.accept(socket), log);
  }

  /** Listens on `path`, taking it over from a server already there (see PluginSocketServer). */
  listen(path: string): Promise<void> {
    return this.server.listen(path);
  }

  /** Stops accepting, ends open connections and removes the socket file if it is still this server's. */
  close(): Promise<void> {
    return this.server.close();
  }

  private accept(socket: Socket): void {
    const decoder = new RpcStreamDecoder({ maxMessageBytes: this.maxMessageBytes });
    // Kong may drop a pooled connection at any time (EPIPE, ECONNRESET): log it, never crash.
    socket.on('error', (error) => this.log.debug(`connection error: ${error.message}`));
    socket.write(this.encoder.notification('serverPid', process.pid));
    const dispatch = (message: unknown) => this.dispatch(socket, message);
    const reply = (response: Uint8Array) => void (socket.destroyed || socket.write(response));
    const raw = this.raw;
    const onFrame = (bytes: Uint8Array, start: number, end: number) => {
      if (raw === undefined || !raw(bytes, start, end, reply)) dispatch(decoder.decode(bytes, start, end));
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.pushFrames(chunk, onFrame);
      } catch (error) {
        if (error instanceof MsgpackFormatError && error.code === 'MSGPACK_TOO_LARGE') {
          this.log.warn(`closing a connection whose message exceeds ${this.maxMessageBytes} bytes`);
        } else {
          this.log.warn(`closing a connection that sent bytes that are not msgpack: ${messageOf(error)}`);
        }
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
      let bytes: Buffer;
      try {
        bytes = this.encoder.response(msgid, error, result);
      } catch (failure) {
        // A result msgpack cannot carry (a function, a symbol): Kong still gets an answer.
        bytes = this.encoder.response(msgid, `cannot encode the result of ${String(method)}: ${messageOf(failure)}`, null);
      }
      socket.write(bytes);
    };
    if (typeof method !== 'string') {
      reply('method name must be a string', null);
      return;
    }
    try {
      this.handle(method, args, reply);
    } catch (error) {
      reply(messageOf(error), null);
    }
  }
}

function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
