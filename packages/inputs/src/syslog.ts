import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { messageOf } from '@tributary/base';
import { defineInput, type InputContext, type NetworkSettings, type TextParser } from '@tributary/core';
import { SyslogFramer, type SyslogFraming } from './syslog-framer.js';
import { listenUnixDatagram, type UnixDatagramListener } from './unix-datagram.js';
import { removeStaleSocket } from './unix-socket.js';

type Mode = 'tcp' | 'udp' | 'unix_tcp' | 'unix_udp';
const MODES = new Set<Mode>(['tcp', 'udp', 'unix_tcp', 'unix_udp']);

/**
 * Fluent Bit's `syslog` input (`plugins/in_syslog`): messages over TCP (`format` newline or
 * octet_counting), UDP (one per datagram) or a Unix stream socket, each parsed — by default
 * with the stock `syslog-rfc5424` (network) or `syslog-rfc3164-local` (Unix) parser — into a
 * record with the message's time; `unix_udp` (Fluent Bit's default mode) takes one message per
 * datagram on a Unix datagram socket. A message that does not parse is dropped with a warning
 * naming the peer, as Fluent Bit does; a malformed octet-counted stream closes that connection.
 */
export const syslogInput = defineInput({
  name: 'syslog',
  description: 'Syslog',
  network: { role: 'server', defaultPort: 5140, tls: false },
  configMap: {
    mode: { type: 'string', default: 'unix_udp', description: 'tcp, udp, unix_tcp or unix_udp' },
    path: { type: 'string', description: 'Unix socket path (unix modes)' },
    unix_perm: { type: 'string', default: '0644', description: 'Permissions of the Unix socket (octal)' },
    parser: { type: 'string', description: 'Parser of each message (default syslog-rfc5424, syslog-rfc3164-local in unix modes)' },
    format: { type: 'string', default: 'newline', description: 'Stream framing: newline or octet_counting (RFC 6587)' },
    buffer_chunk_size: { type: 'size', default: '32768', description: 'Buffer growth step of a connection' },
    buffer_max_size: { type: 'size', description: 'Largest message (default: buffer_chunk_size)' },
    receive_buffer_size: { type: 'size', description: 'SO_RCVBUF of the UDP socket' },
    raw_message_key: { type: 'string', description: 'Add the message as received (bytes) under this key' },
    source_address_key: { type: 'string', description: 'Add the peer (tcp://…, udp://…, unix://…) under this key' },
  },
  async init(ctx) {
    const mode = ctx.config.mode.toLowerCase() as Mode;
    if (!MODES.has(mode)) throw new Error(`${ctx.name}: mode must be tcp, udp, unix_tcp or unix_udp, got '${ctx.config.mode}'.`);
    const unix = mode === 'unix_tcp' || mode === 'unix_udp';
    if (unix && !ctx.config.path) throw new Error(`${ctx.name}: mode ${mode} needs a Path for the socket.`);
    const parser = ctx.parser(ctx.config.parser ?? (unix ? 'syslog-rfc3164-local' : 'syslog-rfc5424'));
    let framing: SyslogFraming = 'newline';
    const format = ctx.config.format.toLowerCase();
    if (format === 'octet_counting' || format === 'octet') framing = 'octet_counting';
    else if (format !== 'newline') ctx.log.warn(`unknown format '${ctx.config.format}': newline is used`);
    const maxBytes = ctx.config.buffer_max_size ?? ctx.config.buffer_chunk_size;
    const deliver = messageHandler(ctx, parser);
    if (mode === 'udp') return listenUdp(ctx, maxBytes, deliver);
    if (mode === 'unix_udp') return listenUnixUdp(ctx, maxBytes, deliver);
    if (ctx.config.receive_buffer_size !== undefined) ctx.log.warn('receive_buffer_size applies to mode udp only; it has no effect here');
    return listenStream(ctx, mode, framing, maxBytes, deliver);
  },
});

type Deliver = (message: Buffer, peer: string) => void;

function messageHandler(ctx: InputContext<{ raw_message_key?: string; source_address_key?: string }>, parser: TextParser): Deliver {
  const { raw_message_key: rawKey, source_address_key: sourceKey } = ctx.config;
  return (message, peer) => {
    const parsed = parser.parse(message.toString('utf8'));
    if (!parsed) {
      ctx.log.warn(`${peer}: message does not match parser '${parser.name}', dropped: ${message.toString('utf8').slice(0, 80)}`);
      return;
    }
    const record = parsed.record;
    if (rawKey !== undefined) record[rawKey] = Buffer.from(message);
    if (sourceKey !== undefined) record[sourceKey] = peer;
    if (parsed.time) ctx.appendAt(parsed.time.sec, parsed.time.nsec, record as never);
    else ctx.append(record as never);
  };
}

async function listenUdp(ctx: InputContext<{ receive_buffer_size?: number }, NetworkSettings>, maxBytes: number, deliver: Deliver) {
  const socket: UdpSocket = createSocket({ type: ctx.net.address.includes(':') ? 'udp6' : 'udp4', recvBufferSize: ctx.config.receive_buffer_size });
  socket.on('message', (datagram, from) => {
    if (ctx.paused) return; // Fluent Bit stops reading a paused input; a datagram then is lost either way
    deliver(datagram.length > maxBytes ? datagram.subarray(0, maxBytes) : datagram, `udp://${from.address}:${from.port}`);
  });
  socket.on('error', (error) => ctx.log.warn(`udp socket: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(ctx.net.port, ctx.net.address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  ctx.log.info(`listening on udp://${ctx.net.address}:${socket.address().port}`);
  return { exit: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

async function listenUnixUdp(ctx: InputContext<{ path?: string; unix_perm: string; receive_buffer_size?: number }>, maxBytes: number, deliver: Deliver) {
  if (ctx.config.receive_buffer_size !== undefined) ctx.log.warn('receive_buffer_size applies to mode udp only; it has no effect here');
  const path = ctx.config.path!;
  const peer = `unix://${path}`;
  let listener: UnixDatagramListener;
  try {
    listener = await listenUnixDatagram(
      path,
      Number.parseInt(ctx.config.unix_perm, 8),
      maxBytes,
      (datagram) => {
        if (!ctx.paused) deliver(datagram, peer); // as for udp: a datagram that comes while paused is lost either way
      },
      (problem) => ctx.log.error(problem),
    );
  } catch (error) {
    throw new Error(`${ctx.name}: mode unix_udp: ${messageOf(error)}`);
  }
  ctx.log.info(`listening on unix_udp://${path}`);
  return { exit: () => listener.close() };
}

async function listenStream(
  ctx: InputContext<{ path?: string; unix_perm: string }, NetworkSettings>,
  mode: 'tcp' | 'unix_tcp',
  framing: SyslogFraming,
  maxBytes: number,
  deliver: Deliver,
) {
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    const peer = mode === 'tcp' ? `tcp://${socket.remoteAddress}:${socket.remotePort}` : `unix://${ctx.config.path}`;
    const framer = new SyslogFramer(framing, maxBytes);
    socket.on('error', (error) => ctx.log.debug(`${peer}: ${error.message}`));
    if (ctx.paused) socket.pause();
    socket.on('data', (bytes: Buffer) => {
      const problem = framer.push(bytes, (message) => deliver(message, peer));
      if (problem) {
        ctx.log.warn(`${peer}: ${problem}: closing the connection`);
        socket.destroy();
      }
    });
  });
  const path = ctx.config.path;
  if (mode === 'unix_tcp') removeStaleSocket(path!);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (mode === 'unix_tcp') server.listen(path, done);
    else server.listen({ host: ctx.net.address, port: ctx.net.port, backlog: ctx.net.backlog }, done);
  });
  if (mode === 'unix_tcp') chmodSync(path!, Number.parseInt(ctx.config.unix_perm, 8));
  const where = mode === 'tcp' ? `tcp://${ctx.net.address}:${(server.address() as { port: number }).port}` : `unix://${path}`;
  ctx.log.info(`listening on ${where}`);
  return {
    pause: () => connections.forEach((socket) => socket.pause()),
    resume: () => connections.forEach((socket) => socket.resume()),
    exit: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
