import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { sha512Hex } from '@tributary/base';
import { MsgpackReader, MsgpackWriter, skipItem } from '@tributary/msgpack';
import { tlsClientOptions } from '../tls-client.js';
import type { ForwardPayload } from './forward-payload.js';
import type { ForwardTarget } from './forward-target.js';

/** Why a delivery failed (the chunk is retried). */
export class ForwardError extends Error {}

/** `net.connect_timeout`, `net.io_timeout` and the `net.keepalive*` settings of a target, in milliseconds. */
export interface ForwardConnectionSettings {
  readonly connectMs: number;
  readonly ioMs: number;
  /** `net.keepalive`: a connection serves the next chunk too. */
  readonly keepalive: boolean;
  /** `net.keepalive_idle_timeout`: an idle connection is closed after this long. */
  readonly idleMs: number;
  /** `net.keepalive_max_recycle`: chunks one connection carries before it is replaced; 0 is unlimited. */
  readonly maxRecycle: number;
}

interface Connection {
  readonly socket: Socket;
  readonly messages: MessageReader;
  /** Chunks it carried (Fluent Bit's `ka_count`). */
  uses: number;
  idle: NodeJS.Timeout | undefined;
}

/**
 * The connections to one forward peer, kept alive between chunks as Fluent Bit's upstream keeps
 * them (`net.keepalive`, on by default): a chunk takes an idle connection or opens one —
 * connect (TCP, TLS or a Unix socket) and, when a shared key is set, the secure-forward
 * handshake (HELO → PING → PONG, the server's digest checked), which a kept connection does not
 * repeat — writes each payload (one in Forward mode, one per record in Message mode) and, with
 * acks, waits for its `{"ack": chunkId}` before the next. A connection that failed is closed,
 * never reused; an idle one closes after `net.keepalive_idle_timeout`, and one that carried
 * `net.keepalive_max_recycle` chunks is replaced.
 */
export class ForwardConnections {
  private readonly idle: Connection[] = [];
  /** Connections opened so far (for tests and logs). */
  opened = 0;

  constructor(
    readonly target: ForwardTarget,
    private readonly settings: ForwardConnectionSettings,
  ) {}

  /** Delivers one chunk's payloads; rejects with a ForwardError saying what went wrong. */
  async deliver(payloads: readonly ForwardPayload[]): Promise<void> {
    const connection = this.takeIdle() ?? (await this.open());
    try {
      for (const { bytes, chunkId } of payloads) {
        await new Promise<void>((resolve, reject) => connection.socket.write(bytes, (error) => (error ? reject(new ForwardError(`write failed: ${error.message}`)) : resolve())));
        if (chunkId === undefined) continue;
        const ack = await connection.messages.next('the ack');
        const value = typeof ack === 'object' && ack !== null && !Array.isArray(ack) ? (ack as Record<string, unknown>).ack : undefined;
        if (value !== chunkId) throw new ForwardError(`the ack does not match the chunk sent (got ${JSON.stringify(value ?? ack)})`);
      }
    } catch (error) {
      connection.socket.destroy();
      throw error;
    }
    this.release(connection);
  }

  /** Closes every idle connection (the output exits). */
  close(): void {
    for (const connection of this.idle.splice(0)) {
      clearTimeout(connection.idle);
      connection.socket.destroy();
    }
  }

  private takeIdle(): Connection | undefined {
    for (let connection = this.idle.pop(); connection !== undefined; connection = this.idle.pop()) {
      clearTimeout(connection.idle);
      if (!connection.socket.destroyed && connection.messages.usable) return connection;
      connection.socket.destroy();
    }
    return undefined;
  }

  private async open(): Promise<Connection> {
    const socket = await connectTo(this.target, this.settings.connectMs);
    this.opened++;
    const connection: Connection = { socket, messages: new MessageReader(socket, this.settings.ioMs), uses: 0, idle: undefined };
    try {
      if (this.target.sharedKey !== undefined) await handshake(this.target, this.target.sharedKey, socket, connection.messages);
    } catch (error) {
      socket.destroy();
      throw error;
    }
    return connection;
  }

  private release(connection: Connection): void {
    connection.uses++;
    const { keepalive, maxRecycle, idleMs } = this.settings;
    if (!keepalive || (maxRecycle > 0 && connection.uses >= maxRecycle) || !connection.messages.usable) {
      connection.socket.destroy();
      return;
    }
    connection.idle = setTimeout(() => {
      const at = this.idle.indexOf(connection);
      if (at >= 0) this.idle.splice(at, 1);
      connection.socket.destroy();
    }, idleMs);
    connection.idle.unref();
    this.idle.push(connection);
  }
}

function connectTo(target: ForwardTarget, connectMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      socket.setTimeout(0);
      socket.off('error', onError);
      resolve(socket);
    };
    const onError = (error: Error) => {
      socket.destroy();
      reject(new ForwardError(`cannot connect to ${where(target)}: ${error.message}`));
    };
    const socket: Socket = target.unixPath
      ? netConnect({ path: target.unixPath }, onConnect)
      : target.tls
        ? tlsConnect({ host: target.host, port: target.port, ...tlsClientOptions(target.tls) }, onConnect)
        : netConnect({ host: target.host, port: target.port }, onConnect);
    socket.once('error', onError);
    if (connectMs > 0) socket.setTimeout(connectMs, () => onError(new Error(`no connection within ${connectMs / 1000} s`)));
  });
}

export function where(target: ForwardTarget): string {
  return target.unixPath ?? `${target.host}:${target.port}`;
}

async function handshake(target: ForwardTarget, sharedKey: string, socket: Socket, messages: MessageReader): Promise<void> {
  const helo = await messages.next('HELO');
  if (!Array.isArray(helo) || helo[0] !== 'HELO' || typeof helo[1] !== 'object' || helo[1] === null) throw new ForwardError('the peer did not start with a HELO');
  const options = helo[1] as Record<string, unknown>;
  const nonce = bytesOf(options.nonce);
  const authSalt = bytesOf(options.auth);
  const salt = randomBytes(16);
  const writer = new MsgpackWriter(512);
  writer.writeArrayHeader(6);
  writer.writeString('PING');
  writer.writeString(target.selfHostname);
  writer.writeBin(salt);
  writer.writeString(sha512Hex(salt, target.selfHostname, nonce, sharedKey));
  const auth = authSalt.length > 0;
  writer.writeString(auth ? target.username : '');
  writer.writeString(auth ? sha512Hex(authSalt, target.username, target.password) : '');
  socket.write(writer.bytes());
  const pong = await messages.next('PONG');
  if (!Array.isArray(pong) || pong[0] !== 'PONG') throw new ForwardError('the peer did not answer the PING with a PONG');
  const [, ok, reason, hostname, digest] = pong as [string, unknown, unknown, unknown, unknown];
  if (ok !== true) throw new ForwardError(`the peer refused the handshake: ${String(reason)}`);
  if (String(digest) !== sha512Hex(salt, String(hostname), nonce, sharedKey)) throw new ForwardError("the peer's shared key digest does not match: it does not know our shared key");
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : new Uint8Array(0);
}

/** Reads whole msgpack messages off a socket, each within `ioMs` (0: no limit). */
class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly ioMs: number,
  ) {
    socket.on('data', (data: Buffer) => {
      this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
      this.waiting?.();
    });
    const fail = (error: Error) => {
      this.failure = error;
      this.waiting?.();
    };
    socket.on('error', (error) => fail(new ForwardError(`connection error: ${error.message}`)));
    socket.on('close', () => fail(new ForwardError('the peer closed the connection')));
  }

  /** Whether the connection is still open with nothing unread (a kept connection must be). */
  get usable(): boolean {
    return this.failure === undefined && this.buffer.length === 0;
  }

  async next(what: string): Promise<unknown> {
    const deadline = this.ioMs > 0 ? Date.now() + this.ioMs : Infinity;
    for (;;) {
      const end = this.complete();
      if (end > 0) {
        const message = new MsgpackReader(this.buffer.subarray(0, end)).read();
        this.buffer = this.buffer.subarray(end);
        return message;
      }
      if (this.failure) throw new ForwardError(`waiting for ${what}: ${this.failure.message}`);
      await new Promise<void>((resolve, reject) => {
        const timer = deadline === Infinity ? undefined : setTimeout(() => reject(new ForwardError(`no ${what} within ${this.ioMs / 1000} s (net.io_timeout)`)), Math.max(0, deadline - Date.now()));
        this.waiting = () => {
          clearTimeout(timer);
          this.waiting = undefined;
          resolve();
        };
      });
    }
  }

  /** The end of the first whole message in the buffer, or 0. */
  private complete(): number {
    if (this.buffer.length === 0) return 0;
    try {
      return skipItem(this.buffer, 0);
    } catch {
      return 0;
    }
  }
}
