import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { messageOf } from '@tributary/base';
import { defineInput, type InputContext } from '@tributary/core';
import { MsgpackFramer, MsgpackReader, MsgpackWriter } from '@tributary/msgpack';
import { ForwardHandshake, type ForwardSecurity } from './forward-handshake.js';
import { removeStaleSocket } from './unix-socket.js';

/** A frame the connection cannot go on after: the reason is logged with the peer, the connection closed. */
class ForwardProtocolError extends Error {}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/**
 * Fluent Bit's `forward` input (`plugins/in_forward`), Fluentd's Forward protocol v1 over TCP or
 * a Unix socket: Message, Forward, PackedForward and gzip CompressedPackedForward frames,
 * legacy and Fluent Bit v2 entries with EventTime, integer or float times, `chunk` acks after the
 * records are taken, the shared-key handshake (HELO/PING/PONG, `security.users`), `tag_prefix`.
 * Backpressure closes every connection, as Fluent Bit does (senders retry); a malformed frame
 * closes only its own connection, logged with the peer.
 */
export const forwardInput = defineInput({
  name: 'forward',
  description: 'Fluentd in-forward',
  network: { role: 'server', defaultPort: 24224, tls: false },
  configMap: {
    unix_path: { type: 'string', description: 'Listen on this Unix socket instead of TCP' },
    unix_perm: { type: 'string', description: 'Permissions of the Unix socket (octal)' },
    tag_prefix: { type: 'string', description: 'Prefix prepended to the incoming tag' },
    shared_key: { type: 'string', description: 'Shared key of the secure-forward handshake' },
    empty_shared_key: { type: 'bool', default: 'false', description: 'Use an empty shared key (the handshake still runs)' },
    self_hostname: { type: 'string', default: 'localhost', description: 'Hostname the server sends in its PONG' },
    'security.users': { type: 'string', multiple: true, description: "'username password' a client may authenticate as (repeatable)" },
    buffer_chunk_size: { type: 'size', default: '1024000', description: 'Buffer growth step of a connection' },
    buffer_max_size: { type: 'size', default: '6144000', description: 'Largest frame, and largest decompressed payload' },
    workers: { type: 'int', default: '1', description: 'Listener threads', unsupported: 'connections are served on the event loop' },
  },
  async init(ctx) {
    const security = securityOf(ctx);
    const connections = new Set<Socket>();
    const server: Server = createServer((socket) => {
      if (ctx.paused) return void socket.destroy();
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
      serve(socket, ctx, security, ctx.config.buffer_max_size);
    });
    const path = ctx.config.unix_path;
    if (path) removeStaleSocket(path);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const done = () => {
        server.off('error', reject);
        resolve();
      };
      if (path) server.listen(path, done);
      else server.listen({ host: ctx.net.address, port: ctx.net.port, backlog: ctx.net.backlog }, done);
    });
    if (path && ctx.config.unix_perm) chmodSync(path, Number.parseInt(ctx.config.unix_perm, 8));
    ctx.log.info(`listening on ${path ? `unix://${path}` : `${ctx.net.address}:${(server.address() as { port: number }).port}`}`);
    return {
      // Fluent Bit closes every connection while paused; senders reconnect and resend.
      pause: () => {
        for (const socket of connections) socket.destroy();
      },
      exit: () =>
        new Promise<void>((resolve) => {
          for (const socket of connections) socket.destroy();
          server.close(() => resolve());
        }),
    };
  },
});

type ForwardConfig = {
  tag_prefix?: string;
  shared_key?: string;
  empty_shared_key: boolean;
  self_hostname: string;
  'security.users'?: string[];
};

function securityOf(ctx: InputContext<ForwardConfig>): ForwardSecurity | undefined {
  const users = new Map<string, string>();
  for (const line of ctx.config['security.users'] ?? []) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) throw new Error(`${ctx.name}: security.users is 'username password', got '${line}'.`);
    users.set(parts[0]!, parts[1]!);
  }
  const sharedKey = ctx.config.shared_key ?? (ctx.config.empty_shared_key ? '' : undefined);
  if (sharedKey === undefined) {
    if (users.size > 0) throw new Error(`${ctx.name}: security.users needs shared_key (or empty_shared_key on).`);
    return undefined;
  }
  return { sharedKey, selfHostname: ctx.config.self_hostname, users };
}

function serve(socket: Socket, ctx: InputContext<ForwardConfig>, security: ForwardSecurity | undefined, maxBytes: number): void {
  const peer = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unix socket';
  const framer = new MsgpackFramer({ maxMessageBytes: maxBytes });
  const reader = new MsgpackReader();
  let handshake = security ? new ForwardHandshake(security) : undefined;
  socket.on('error', (error) => ctx.log.debug(`${peer}: ${error.message}`));
  if (handshake) socket.write(handshake.helo());
  const onMessage = (bytes: Buffer, start: number, end: number) => {
    reader.reset(bytes, start, end);
    if (handshake) {
      const { pong, ok, reason } = handshake.answer(reader.read());
      if (pong) socket.write(pong);
      if (!ok) throw new ForwardProtocolError(`handshake failed: ${reason}`);
      handshake = undefined;
      return;
    }
    const ack = ingest(reader, bytes, ctx, maxBytes);
    if (ack === false) {
      // Paused while this frame came: closing makes the sender resend it.
      socket.destroy();
      return;
    }
    if (ack !== undefined) socket.write(ackFrame(ack));
  };
  socket.on('data', (chunk: Buffer) => {
    if (socket.destroyed) return;
    try {
      framer.push(chunk, onMessage);
    } catch (error) {
      ctx.log.warn(`${peer}: ${messageOf(error)}: closing the connection`);
      socket.destroy();
    }
  });
}

/**
 * Takes the records of one frame; returns its `chunk` option (to acknowledge), undefined when
 * it asked for no ack, false when the input is paused and nothing was taken.
 */
function ingest(reader: MsgpackReader, bytes: Buffer, ctx: InputContext<ForwardConfig>, maxBytes: number): string | Uint8Array | undefined | false {
  if (reader.next() !== 'array' || reader.size < 2) throw new ForwardProtocolError('a frame must be an array [tag, ...]');
  const items = reader.size;
  if (reader.next() !== 'str') throw new ForwardProtocolError('a frame must start with its tag (a string)');
  const incoming = reader.text();
  const tag = ctx.config.tag_prefix !== undefined ? ctx.config.tag_prefix + incoming : ctx.tagIsSet ? ctx.tag : incoming;
  const kind = reader.next();
  if (kind === 'array') {
    // Forward: [tag, [entry, ...], options?] — the entries' bytes are already a run of events.
    const count = reader.size;
    const entriesStart = reader.offset;
    for (let i = 0; i < count; i++) reader.skip();
    const entries = bytes.subarray(entriesStart, reader.offset);
    const options = items >= 3 ? optionsOf(reader) : undefined;
    if (ctx.appendEvents(entries, tag) === 0 && count > 0 && ctx.paused) return false;
    return ackOf(options);
  }
  if (kind === 'uint' || kind === 'ext') {
    // Message: [tag, time, record, options?]
    if (items < 3) throw new ForwardProtocolError('a Message frame needs [tag, time, record]');
    const time = reader.eventTime(kind);
    if (!time) throw new ForwardProtocolError('a Message time must be an integer or an EventTime (ext 0)');
    const recordStart = reader.offset;
    if (reader.next() !== 'map') throw new ForwardProtocolError('a Message record must be a map');
    reader.offset = recordStart;
    reader.skip();
    const record = bytes.subarray(recordStart, reader.offset);
    const options = items >= 4 ? optionsOf(reader) : undefined;
    const metadata = options?.metadata;
    const meta = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && !(metadata instanceof Uint8Array) ? (metadata as Record<string, never>) : undefined;
    if (!ctx.appendAt(time.sec, time.nsec, record, meta, tag)) return false;
    return ackOf(options);
  }
  if (kind === 'str' || kind === 'bin') {
    // PackedForward: [tag, <entries as bytes>, options?], maybe gzip-compressed.
    let payload: Uint8Array = bytes.subarray(reader.start, reader.end);
    const options = items >= 3 ? optionsOf(reader) : undefined;
    if (items === 3 && options !== undefined) payload = decompress(payload, options, maxBytes);
    if (options?.fluent_signal !== undefined && options.fluent_signal !== 0) {
      throw new ForwardProtocolError(`fluent_signal ${String(options.fluent_signal)} (metrics or traces) is not supported: Tributary takes logs`);
    }
    if (payload.length > 0 && ctx.appendEvents(payload, tag) === 0 && ctx.paused) return false;
    return ackOf(options);
  }
  throw new ForwardProtocolError(`a frame's second element is a ${kind}; Forward, Message and PackedForward frames have an array, a time or bytes there`);
}

function optionsOf(reader: MsgpackReader): Record<string, unknown> | undefined {
  const value = reader.read();
  if (value === null || value === undefined) return undefined; // Docker 18 sends nil
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) throw new ForwardProtocolError('the options of a frame must be a map');
  return value as Record<string, unknown>;
}

function ackOf(options: Record<string, unknown> | undefined): string | Uint8Array | undefined {
  const chunk = options?.chunk;
  if (chunk === undefined) return undefined;
  if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) throw new ForwardProtocolError("the 'chunk' option must be a string");
  return chunk;
}

function ackFrame(chunk: string | Uint8Array): Uint8Array {
  const writer = new MsgpackWriter(64);
  writer.writeMapHeader(1);
  writer.writeString('ack');
  if (typeof chunk === 'string') writer.writeString(chunk);
  else writer.writeStringBytes(chunk);
  return Uint8Array.from(writer.bytes());
}

function decompress(payload: Uint8Array, options: Record<string, unknown>, maxBytes: number): Uint8Array {
  const starts = (magic: number[]) => magic.every((byte, i) => payload[i] === byte);
  const gzip = starts(GZIP_MAGIC) || (options.compressed === 'gzip' && !starts(ZSTD_MAGIC));
  if (starts(ZSTD_MAGIC) || (options.compressed === 'zstd' && !gzip)) {
    throw new ForwardProtocolError('zstd-compressed frames are not supported (Node.js 20 has no zstd): have the sender use gzip');
  }
  if (!gzip) return payload;
  try {
    return gunzipSync(payload, { maxOutputLength: maxBytes });
  } catch (error) {
    throw new ForwardProtocolError(`cannot gunzip a CompressedPackedForward payload: ${messageOf(error)}`);
  }
}
