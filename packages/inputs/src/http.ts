import { createServer, type IncomingMessage } from 'node:http';
import { inflateRawSync, inflateSync, gunzipSync } from 'node:zlib';
import { messageOf } from '@tributary/base';
import { compileRecordAccessor, defineInput, type InputContext } from '@tributary/core';
import { MsgpackReader, readClock } from '@tributary/msgpack';
import { JsonStream } from './json-stream.js';

const SUCCESS_CODES = new Set([200, 201, 204]);

/** A request's answer: a status and a body (the success code answers with none). */
class HttpRefusal extends Error {
  constructor(readonly status: number, body: string) {
    super(body);
  }
}

/**
 * Fluent Bit's `http` input (`plugins/in_http`): `POST /<tag>` with JSON (each object a record,
 * an array one record per object in it) or a urlencoded form (one record), gzip/zlib/deflate
 * bodies inflated; all records of a request share one time. The tag is the `tag_key` value, else
 * the path (characters other than `[A-Za-z0-9_.]` as `_`), else the instance's. Answers as
 * Fluent Bit does: `successful_response_code` with `success_header`s, 400 with Fluent Bit's
 * message for a bad request, 413 past `buffer_max_size`.
 */
export const httpInput = defineInput({
  name: 'http',
  description: 'HTTP',
  network: { role: 'server', defaultPort: 9880, tls: false },
  configMap: {
    tag_key: { type: 'string', description: 'Record accessor ($key, $a[\'b\']) of a value to use as the tag' },
    add_remote_addr: { type: 'bool', default: 'false', description: 'Add the first X-Forwarded-For address to each record' },
    remote_addr_key: { type: 'string', default: 'REMOTE_ADDR', description: 'Key of the added address' },
    successful_response_code: { type: 'int', default: '201', description: 'Status of a successful request: 200, 201 or 204' },
    success_header: { type: 'string', multiple: true, description: "'Name Value' header added to successful responses (repeatable)" },
    enable_health_endpoint: { type: 'bool', default: 'false', description: 'Answer GET /health' },
    buffer_max_size: { type: 'size', default: '4M', description: 'Largest request body (413 past it)' },
    buffer_chunk_size: { type: 'size', default: '512K', description: 'Allocation step of request bodies', unsupported: 'Node.js reads bodies in its own chunks' },
    max_connections: { type: 'int', default: '0', description: 'Most connections at once (0: unlimited)' },
    http2: { type: 'bool', default: 'true', description: 'Accept HTTP/2 (h2c) beside HTTP/1.1', unsupported: 'Tributary serves HTTP/1.1 only' },
    workers: { type: 'int', default: '1', description: 'Server threads', unsupported: 'requests are served on the event loop' },
  },
  async init(ctx) {
    const code = ctx.config.successful_response_code;
    if (!SUCCESS_CODES.has(code)) throw new Error(`${ctx.name}: successful_response_code must be 200, 201 or 204, got ${code}.`);
    const headers = (ctx.config.success_header ?? []).map((line) => {
      const space = line.trim().indexOf(' ');
      if (space <= 0) throw new Error(`${ctx.name}: success_header is 'Name Value', got '${line}'.`);
      return [line.trim().slice(0, space), line.trim().slice(space + 1).trim()] as const;
    });
    const tagKey = ctx.config.tag_key === undefined ? undefined : compileRecordAccessor(ctx.config.tag_key);
    const server = createServer((request, response) => {
      handle(ctx, request, tagKey, ctx.config)
        .then((health) => {
          if (health !== undefined) {
            response.writeHead(200, { 'content-type': 'application/json' });
            return response.end(health);
          }
          response.writeHead(code, Object.fromEntries(headers));
          response.end();
        })
        .catch((error: unknown) => {
          const refusal = error instanceof HttpRefusal ? error : new HttpRefusal(400, 'error: unable to process records\n');
          if (!(error instanceof HttpRefusal)) ctx.log.warn(`${request.socket.remoteAddress}: ${messageOf(error)}`);
          if (!response.headersSent) response.writeHead(refusal.status, { 'content-type': 'text/plain' });
          response.end(refusal.message);
        });
    });
    if (ctx.config.max_connections > 0) server.maxConnections = ctx.config.max_connections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ctx.net.address, port: ctx.net.port, backlog: ctx.net.backlog }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    ctx.log.info(`listening on ${ctx.net.address}:${(server.address() as { port: number }).port}`);
    return {
      exit: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
});

interface HttpConfig {
  add_remote_addr: boolean;
  remote_addr_key: string;
  enable_health_endpoint: boolean;
  buffer_max_size: number;
}

/** Appends a request's records, or answers the health check (its body); throws HttpRefusal for a bad request. */
async function handle(ctx: InputContext<unknown>, request: IncomingMessage, tagKey: ReturnType<typeof compileRecordAccessor> | undefined, config: HttpConfig): Promise<string | undefined> {
  const path = (request.url ?? '/').split('?')[0]!;
  if (!path.startsWith('/')) throw new HttpRefusal(400, 'error: invalid request\n');
  if (request.httpVersion === '1.1' && request.headers.host === undefined) throw new HttpRefusal(400, 'error: missing host header\n');
  if (config.enable_health_endpoint && request.method === 'GET' && path === '/health') {
    return `${JSON.stringify({ status: 'ok', timestamp: new Date().toISOString() }, null, 2)}\n`;
  }
  if (request.method !== 'POST') throw new HttpRefusal(400, 'error: invalid HTTP method\n');
  const contentType = request.headers['content-type'];
  if (contentType === undefined) throw new HttpRefusal(400, "error: header 'Content-Type' is not set\n");
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if (media !== 'application/json' && media !== 'application/x-www-form-urlencoded') throw new HttpRefusal(400, "error: invalid 'Content-Type'\n");
  const body = inflate(await readBody(request, config.buffer_max_size), request.headers['content-encoding'], config.buffer_max_size);
  if (body.length === 0) throw new HttpRefusal(400, 'error: no payload found\n');

  const pathTag = path === '/' ? ctx.tag : path.slice(1).replace(/[^A-Za-z0-9_.]/g, '_');
  const remote = config.add_remote_addr ? request.headers['x-forwarded-for']?.toString().split(',')[0]!.trim() : undefined;
  const records = media === 'application/json' ? jsonRecords(body) : [formRecord(body)];
  const now = { sec: 0, nsec: 0 };
  readClock(now); // one time for every record of the request, as Fluent Bit takes it
  const reader = new MsgpackReader();
  for (const record of records) {
    let body: Uint8Array | Record<string, never> = record;
    let tag = pathTag;
    if (tagKey || remote !== undefined) {
      const object = record instanceof Uint8Array ? (reader.reset(record), reader.read() as Record<string, never>) : record;
      const value = tagKey?.get(object);
      if (typeof value === 'string') tag = value.replace(/[^A-Za-z0-9_.]/g, '_');
      if (remote !== undefined) {
        if (config.remote_addr_key in object) ctx.log.warn('remote_addr_key already present in record, skipping injection');
        else (object as Record<string, string>)[config.remote_addr_key] = remote;
      }
      body = object;
    }
    ctx.appendAt(now.sec, now.nsec, body, undefined, tag);
  }
  return undefined;
}

/**
 * The records of a JSON body: objects, or the objects of the first array (other elements
 * skipped), each as its packed msgpack — an array's elements are cut out of its packed bytes,
 * not decoded and packed again.
 */
function jsonRecords(body: Buffer): Uint8Array[] {
  const records: Uint8Array[] = [];
  let done = false;
  const splitter = new JsonStream(body.length + 1);
  try {
    splitter.push(body, (packed, first) => {
      if (done) return;
      if (first === 0x7b) records.push(Buffer.from(packed));
      else if (first === 0x5b) {
        records.push(...objectsOf(Buffer.from(packed)));
        done = true; // Fluent Bit stops after the first array
      } else throw new Error('not an object');
    });
  } catch {
    throw new HttpRefusal(400, 'error: unable to process records\n');
  }
  if (splitter.pending > 0 && !done) throw new HttpRefusal(400, 'error: unable to process records\n');
  return records;
}

/** The map elements of a packed array, as views of its bytes. */
function objectsOf(array: Uint8Array): Uint8Array[] {
  const reader = new MsgpackReader(array);
  reader.next();
  const objects: Uint8Array[] = [];
  for (let i = reader.size; i > 0; i--) {
    const start = reader.offset;
    const isMap = reader.next() === 'map';
    reader.offset = start;
    reader.skip();
    if (isMap) objects.push(array.subarray(start, reader.offset));
  }
  return objects;
}

/** A urlencoded form as one record of strings; empty keys skipped. */
function formRecord(body: Buffer): Record<string, never> {
  const record: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) if (key !== '') record[key] = value;
  return record as Record<string, never>;
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and discarded, so that the client gets its 413.
    request.on('data', (part: Buffer) => {
      size += part.length;
      if (size <= limit) parts.push(part);
    });
    request.on('end', () => (size > limit ? reject(new HttpRefusal(413, 'error: payload too large\n')) : resolve(Buffer.concat(parts))));
    request.on('error', reject);
  });
}

function inflate(body: Buffer, encoding: string | string[] | undefined, limit: number): Buffer {
  const name = String(encoding ?? '').trim().toLowerCase();
  try {
    if (name === '' || name === 'identity') return body;
    if (name === 'gzip') return gunzipSync(body, { maxOutputLength: limit });
    if (name === 'zlib') return inflateSync(body, { maxOutputLength: limit });
    if (name === 'deflate') {
      try {
        return inflateSync(body, { maxOutputLength: limit });
      } catch {
        return inflateRawSync(body, { maxOutputLength: limit });
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new HttpRefusal(413, 'error: payload too large\n');
    throw new HttpRefusal(400, `error: cannot decompress the ${name} body\n`);
  }
  throw new HttpRefusal(400, `error: Content-Encoding '${name}' is not supported (gzip, zlib and deflate are)\n`);
}
