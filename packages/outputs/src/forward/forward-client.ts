import { createHash, randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { MsgpackReader, MsgpackWriter, skipItem } from '@tributary/msgpack';
import { tlsClientOptions } from '../tls-client.js';
import type { ForwardPayload } from './forward-payload.js';
import type { ForwardTarget } from './forward-target.js';

const sha512hex = (...parts: Array<string | Uint8Array>) => {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

/** Why a delivery failed (the chunk is retried). */
export class ForwardError extends Error {}

/**
 * One connection to a forward peer for one chunk: connect (TCP, TLS or a Unix socket), run the
 * secure-forward handshake when a shared key is set (HELO → PING → PONG, the server's digest
 * checked), write each payload (one in Forward mode, one per record in Message mode) and, with
 * acks, wait for its `{"ack": chunkId}` before the next. Resolves when the peer has them all;
 * rejects with a ForwardError saying what went wrong.
 */
export async function deliverForward(target: ForwardTarget, payloads: readonly ForwardPayload[], timeouts: { connectMs: number; ioMs: number }): Promise<void> {
  const socket = await open(target, timeouts.connectMs);
  const messages = new MessageReader(socket, timeouts.ioMs);
  try {
    if (target.sharedKey !== undefined) await handshake(target, target.sharedKey, socket, messages);
    for (const { bytes, chunkId } of payloads) {
      await new Promise<void>((resolve, reject) => socket.write(bytes, (error) => (error ? reject(new ForwardError(`write failed: ${error.message}`)) : resolve())));
      if (chunkId === undefined) continue;
      const ack = await messages.next('the ack');
      const value = typeof ack === 'object' && ack !== null && !Array.isArray(ack) ? (ack as Record<string, unknown>).ack : undefined;
      if (value !== chunkId) throw new ForwardError(`the ack does not match the chunk sent (got ${JSON.stringify(value ?? ack)})`);
    }
  } finally {
    socket.destroy();
  }
}

function open(target: ForwardTarget, connectMs: number): Promise<Socket> {
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
  writer.writeString(sha512hex(salt, target.selfHostname, nonce, sharedKey));
  const auth = authSalt.length > 0;
  writer.writeString(auth ? target.username : '');
  writer.writeString(auth ? sha512hex(authSalt, target.username, target.password) : '');
  socket.write(writer.bytes());
  const pong = await messages.next('PONG');
  if (!Array.isArray(pong) || pong[0] !== 'PONG') throw new ForwardError('the peer did not answer the PING with a PONG');
  const [, ok, reason, hostname, digest] = pong as [string, unknown, unknown, unknown, unknown];
  if (ok !== true) throw new ForwardError(`the peer refused the handshake: ${String(reason)}`);
  if (String(digest) !== sha512hex(salt, String(hostname), nonce, sharedKey)) throw new ForwardError("the peer's shared key digest does not match: it does not know our shared key");
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
