import { createServer, type Server, type Socket } from 'node:net';
import { messageOf } from '@tributary/base';
import { defineInput, type InputContext, type NetworkSettings, type TextParser } from '@tributary/core';
import { MsgpackReader, MsgpackWriter } from '@tributary/msgpack';
import { JsonStream, type JsonValueHandler } from './json-stream.js';

/** `separator` as written, with `\n`, `\r`, `\t` and `\\` unescaped (Fluent Bit's flb_unescape_string). */
function unescape(text: string): string {
  return text.replace(/\\([nrt\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[c]!);
}

/**
 * Fluent Bit's `tcp` input (`plugins/in_tcp`): a TCP server whose connections carry JSON values
 * (`format json`: each top-level object a record, an array `{"msg": [...]}`) or text split on
 * `separator` (`format none`: each piece `{"log": "<bytes>"}`, bytes kept as they came). A
 * connection whose pending data grows past `buffer_size` is closed with a warning naming the
 * peer, as is one that sends invalid JSON (its buffer is dropped); no connection affects another.
 * With `parser`, each piece is parsed (a piece that does not parse stays `{"log": ...}`).
 */
export const tcpInput = defineInput({
  name: 'tcp',
  description: 'TCP',
  network: { role: 'server', defaultPort: 5170, tls: false },
  configMap: {
    format: { type: 'string', default: 'json', description: 'json (concatenated JSON values) or none (text split on the separator)' },
    separator: { type: 'string', default: '\\n', description: 'Record separator for format none (\\n, \\r\\n ... unescaped)' },
    chunk_size: { type: 'int', default: '32', description: 'Buffer growth step in KB' },
    buffer_size: { type: 'int', description: 'Largest pending data of one connection, in KB (default: chunk_size)' },
    source_address_key: { type: 'string', description: 'Add the peer (tcp://ip:port) to JSON records under this key' },
    parser: { type: 'string', description: 'Parse each record with this parser (forces format none); a record it cannot parse is kept as {"log": ...}' },
    workers: { type: 'int', default: '1', description: 'Listener threads', unsupported: 'connections are served on the event loop' },
  },
  async init(ctx) {
    let format = ctx.config.format.toLowerCase();
    if (format !== 'json' && format !== 'none') throw new Error(`${ctx.name}: format must be json or none, got '${ctx.config.format}'.`);
    const parser = ctx.config.parser === undefined ? undefined : ctx.parser(ctx.config.parser);
    if (parser && format === 'json') {
      if (ctx.properties.some((p) => p.key.toLowerCase() === 'format')) ctx.log.warn(`parser '${parser.name}' is set: format none is used, not json`);
      format = 'none';
    }
    const separator = Buffer.from(unescape(ctx.config.separator), 'utf8');
    if (separator.length === 0) throw new Error(`${ctx.name}: separator must not be empty.`);
    const maxBytes = (ctx.config.buffer_size ?? ctx.config.chunk_size) * 1024;
    const connections = new Set<Socket>();
    const server = createServer((socket) => {
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
      const sourceKey = ctx.config.source_address_key;
      serve(socket, ctx, format === 'json' ? { maxBytes, sourceKey } : { maxBytes, separator, parser, sourceKey });
    });
    await listen(server, ctx.net);
    ctx.log.info(`listening on ${ctx.net.address}:${(server.address() as { port: number }).port}`);
    return {
      pause: () => {
        for (const socket of connections) socket.pause();
      },
      resume: () => {
        for (const socket of connections) socket.resume();
      },
      exit: () =>
        new Promise<void>((resolve) => {
          for (const socket of connections) socket.destroy();
          server.close(() => resolve());
        }),
    };
  },
});

type Framing =
  | { maxBytes: number; sourceKey: string | undefined }
  | { maxBytes: number; separator: Buffer; parser: TextParser | undefined; sourceKey: string | undefined };

function serve(socket: Socket, ctx: InputContext<unknown>, framing: Framing): void {
  const peer = `tcp://${socket.remoteAddress}:${socket.remotePort}`;
  socket.on('error', (error) => ctx.log.debug(`${peer}: ${error.message}`));
  if (ctx.paused) socket.pause();
  if ('separator' in framing) {
    const record = new MsgpackWriter(256);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (bytes: Buffer) => {
      pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
      let start = 0;
      for (let end = pending.indexOf(framing.separator, start); end >= 0; end = pending.indexOf(framing.separator, start)) {
        if (end > start) {
          const bytes = pending.subarray(start, end);
          if (framing.parser) appendParsed(ctx, framing.parser, bytes, framing.sourceKey === undefined ? undefined : [framing.sourceKey, peer]);
          else {
            record.reset();
            record.writeMapHeader(1);
            record.writeString('log');
            record.writeStringBytes(bytes);
            ctx.append(record.bytes());
          }
        }
        start = end + framing.separator.length;
      }
      pending = pending.subarray(start);
      if (pending.length > framing.maxBytes) {
        ctx.log.warn(`${peer}: incoming data exceeds 'Buffer_Size' (${framing.maxBytes} bytes): closing the connection`);
        socket.destroy();
      }
    });
    return;
  }
  const splitter = new JsonStream(framing.maxBytes);
  const reader = new MsgpackReader();
  const onValue: JsonValueHandler = (packed, first, json) => {
    if (first !== 0x7b && first !== 0x5b) {
      ctx.log.warn(`${peer}: a JSON value that is neither an object nor an array was dropped: ${json.toString('utf8', 0, 60)}`);
      return;
    }
    if (first === 0x7b && framing.sourceKey === undefined) {
      ctx.append(packed);
      return;
    }
    reader.reset(packed);
    const value = reader.read();
    const body = first === 0x7b ? (value as Record<string, never>) : { msg: value as never };
    if (framing.sourceKey !== undefined) (body as Record<string, string>)[framing.sourceKey] = peer;
    ctx.append(body);
  };
  socket.on('data', (bytes: Buffer) => {
    try {
      if (!splitter.push(bytes, onValue)) {
        ctx.log.warn(`${peer}: incoming data exceeds 'Buffer_Size' (${framing.maxBytes} bytes): closing the connection`);
        socket.destroy();
      }
    } catch (error) {
      ctx.log.warn(`${peer}: invalid JSON, ${splitter.pending} pending bytes dropped: ${messageOf(error)}`);
      splitter.reset();
    }
  });
}

/** A parser's record (its time, else now), or `{"log": text}` when it does not parse; the peer added when asked. */
function appendParsed(ctx: InputContext<unknown>, parser: TextParser, bytes: Buffer, source: [key: string, peer: string] | undefined): void {
  const text = bytes.toString('utf8');
  const parsed = parser.parse(text);
  const record: Record<string, unknown> = parsed ? parsed.record : { log: text };
  if (source) record[source[0]] = source[1];
  if (parsed?.time) ctx.appendAt(parsed.time.sec, parsed.time.nsec, record as never);
  else ctx.append(record as never);
}

function listen(server: Server, net: NetworkSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: net.address, port: net.port, backlog: net.backlog, ipv6Only: false }, () => {
      server.off('error', reject);
      server.on('error', () => {});
      resolve();
    });
  });
}
