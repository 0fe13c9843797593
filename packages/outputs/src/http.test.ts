import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decode } from '@msgpack/msgpack';
import { createLogger } from '@tributary/base';
import { Engine, type Property } from '@tributary/core';
import { manualInput } from '@tributary/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { httpOutput } from './http.js';
import { OAuth2Token } from './oauth2-client.js';
import { signV4 } from './aws-sigv4.js';

interface Received {
  method: string;
  url: string;
  headers: string[];
  body: Buffer;
}

const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve)))));

/** A real HTTP server on loopback answering with `statuses` in turn (then 200), keeping what it got. */
async function httpServer(statuses: number[] = []) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.rawHeaders, body: Buffer.concat(parts) });
      res.writeHead(statuses.shift() ?? 200).end('answer');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received };
}

async function run(port: number, properties: Array<[string, string]>, bodies: Array<Record<string, unknown>>, tag = 'app') {
  const input = manualInput();
  const logs: string[] = [];
  const props = (pairs: Array<[string, string]>) => pairs.map(([key, value]): Property => ({ key, value }));
  const engine = new Engine({
    inputs: [{ plugin: input.plugin, tag }],
    outputs: [{ plugin: httpOutput, match: '*', retryLimit: 3, properties: props(properties), coreProperties: props([['host', '127.0.0.1'], ['port', String(port)]]) }],
    grace: 5,
    backoff: { base: 0.05, cap: 0.1 },
    random: () => 0.5,
    logger: createLogger({ level: 'warn', sink: { write: (line) => void logs.push(line) } }),
  });
  await engine.start();
  for (const [i, body] of bodies.entries()) input.appendAt(1_700_000_000 + i, 500_000_000, body as never);
  engine.flush();
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Shutdown runs the pending retries at once and waits for them (within Grace).
  await engine.stop();
  return { logs: logs.join(''), metrics: engine.metrics().outputs[0]! };
}

const headerPairs = (raw: string[]): Array<[string, string]> => Array.from({ length: raw.length / 2 }, (_, i) => [raw[2 * i]!, raw[2 * i + 1]!]);

describe('http output against a real HTTP server', () => {
  it('posts json: one array per chunk, Fluent Bit\'s headers in its order, the date first', async () => {
    const server = await httpServer();
    await run(server.port, [['uri', 'logs'], ['header', 'X-Key  secret value'], ['header_tag', 'X-Tag'], ['http_user', 'u'], ['http_passwd', 'p']], [{ msg: 'a' }, { msg: 'b', n: 1.5 }]);
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect([request!.method, request!.url]).toEqual(['POST', '/logs']);
    expect(request!.body.toString()).toBe('[{"date":1700000000.5,"msg":"a"},{"date":1700000001.5,"msg":"b","n":1.5}]');
    const names = headerPairs(request!.headers).map(([key]) => key);
    expect(names.filter((key) => !['Host', 'Connection', 'Content-Length'].includes(key))).toEqual(['Content-Type', 'X-Tag', 'Authorization', 'User-Agent', 'X-Key']);
    expect(Object.fromEntries(headerPairs(request!.headers))).toMatchObject({
      'Content-Type': 'application/json',
      'X-Tag': 'app',
      Authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
      'User-Agent': 'Fluent-Bit',
      'X-Key': 'secret value',
    });
  });

  it('json_lines gzipped, with another date key and format, checked by decompressing', async () => {
    const server = await httpServer();
    await run(server.port, [['format', 'json_lines'], ['compress', 'gzip'], ['json_date_key', 'ts'], ['json_date_format', 'iso8601']], [{ msg: 'a' }, { msg: 'b' }]);
    const [request] = server.received;
    expect(Object.fromEntries(headerPairs(request!.headers))).toMatchObject({ 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip' });
    expect(gunzipSync(request!.body).toString()).toBe('{"ts":"2023-11-14T22:13:20.500000Z","msg":"a"}\n{"ts":"2023-11-14T22:13:21.500000Z","msg":"b"}\n');
  });

  it('msgpack sends the chunk in Fluent Bit\'s event format; json_date_key off leaves the date out', async () => {
    const server = await httpServer();
    await run(server.port, [['format', 'msgpack']], [{ msg: 'a' }]);
    expect(decode(server.received[0]!.body)).toMatchObject([[expect.anything(), {}], { msg: 'a' }]);
    const plain = await httpServer();
    await run(plain.port, [['format', 'json_stream'], ['json_date_key', 'off']], [{ a: 1 }, { b: 2 }]);
    expect(plain.received[0]!.body.toString()).toBe('{"a":1}{"b":2}');
  });

  it('retries a 500 and delivers once the server answers 200: sent twice, delivered once', async () => {
    const server = await httpServer([500]);
    const { metrics } = await run(server.port, [], [{ msg: 'a' }]);
    expect(server.received).toHaveLength(2);
    expect(server.received[0]!.body).toEqual(server.received[1]!.body);
    expect(metrics).toMatchObject({ retries: 1, procRecords: 1, droppedRecords: 0 });
  });

  it('drops a chunk the server answers 400 to, counting it, and never sends it again; 429 is retried', async () => {
    const bad = await httpServer([400]);
    const { metrics, logs } = await run(bad.port, [], [{ msg: 'a' }]);
    expect(bad.received).toHaveLength(1);
    expect(metrics).toMatchObject({ errors: 1, droppedRecords: 1, retries: 0 });
    expect(logs).toMatch(/HTTP status=400\nanswer \(the chunk is dropped/);
    const busy = await httpServer([429]);
    expect((await run(busy.port, [], [{ msg: 'a' }])).metrics).toMatchObject({ retries: 1, procRecords: 1 });
  });

  it('retries when nothing listens, naming where it tried', async () => {
    const server = await httpServer();
    const port = server.port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const { metrics, logs } = await run(port, [], [{ msg: 'a' }]);
    expect(metrics.retries).toBeGreaterThan(0);
    expect(logs).toContain(`could not flush records to http://127.0.0.1:${port}/: connect ECONNREFUSED`);
  });

  it('gelf: one GELF line per record with the gelf_*_key mapping; a record without a short message drops the chunk', async () => {
    const server = await httpServer();
    await run(server.port, [['format', 'gelf'], ['gelf_short_message_key', 'log'], ['gelf_host_key', 'hostname']], [{ log: 'hello', hostname: 'web-1', level: 'err' }, { log: 'again', level: 9 }]);
    const [request] = server.received;
    expect(Object.fromEntries(headerPairs(request!.headers))).toMatchObject({ 'Content-Type': 'application/json' });
    expect(request!.body.toString()).toBe(
      '{"version":"1.1", "short_message":"hello", "host":"web-1", "level":3, "timestamp":1700000000.500}\n{"version":"1.1", "short_message":"again", "level":9, "timestamp":1700000001.500}\n',
    );
    const none = await httpServer();
    const { metrics, logs } = await run(none.port, [['format', 'gelf']], [{ msg: 'no short message' }]);
    expect(none.received).toHaveLength(0);
    expect(metrics).toMatchObject({ errors: 1, droppedRecords: 1, retries: 0 });
    expect(logs).toContain('error encoding to GELF: missing short_message key');
  });

  it('body_key/headers_key: one request per record with its own body and headers, no Content-Type of its own; a record missing one is skipped', async () => {
    const server = await httpServer();
    const { metrics, logs } = await run(server.port, [['body_key', '$payload'], ['headers_key', '$meta'], ['header_tag', 'X-Tag']], [
      { payload: '{"a":1}', meta: { 'Content-Type': 'application/json', 'X-Id': '1' } },
      { payload: 'no headers' },
      { payload: 'plain', meta: { 'X-Id': '3', n: 4, after: 'cut' } },
    ]);
    expect(server.received.map((request) => request.body.toString())).toEqual(['{"a":1}', 'plain']);
    const sent = server.received.map((request) => headerPairs(request.headers).filter(([key]) => !['Host', 'Connection', 'Content-Length'].includes(key)));
    expect(sent).toEqual([
      [['Content-Type', 'application/json'], ['X-Id', '1'], ['X-Tag', 'app'], ['User-Agent', 'Fluent-Bit']],
      [['X-Id', '3'], ['X-Tag', 'app'], ['User-Agent', 'Fluent-Bit']],
    ]);
    expect(metrics).toMatchObject({ procRecords: 3, errors: 0 });
    expect(logs).toContain('failed to extract body/headers using patterns "$payload" and "$meta"');
    // The flush ends as its last record does: a last record that cannot be sent fails it.
    const last = await httpServer();
    expect((await run(last.port, [['body_key', '$payload'], ['headers_key', '$meta']], [{ payload: 'x', meta: {} }, { payload: 'y' }])).metrics).toMatchObject({ errors: 1, droppedRecords: 2 });
    expect(last.received.map((request) => request.body.toString())).toEqual(['x']);
    await expect(run(1, [['body_key', '$payload']], [])).rejects.toThrow(/when setting body_key, headers_key is also required/);
  });

  it('proxy: sends each request through a real HTTP proxy in absolute form, with Host and Proxy-Connection as Fluent Bit writes them', async () => {
    const destination = await httpServer();
    const seen: Array<{ line: string; host: string | undefined; proxyConnection: string | undefined }> = [];
    // A forward proxy: what it gets for http://host:port/path it sends on to that host.
    const proxy = createServer((req, res) => {
      seen.push({ line: `${req.method} ${req.url}`, host: req.headers.host, proxyConnection: req.headers['proxy-connection'] as string | undefined });
      const url = new URL(req.url!);
      const upstream = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    servers.push(proxy);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const { metrics } = await run(destination.port, [['uri', '/in'], ['format', 'json_lines'], ['proxy', `http://127.0.0.1:${proxyPort}`]], [{ a: 1 }]);
    expect(metrics.procRecords).toBe(1);
    expect(seen).toEqual([{ line: `POST http://127.0.0.1:${destination.port}/in`, host: `127.0.0.1:${destination.port}`, proxyConnection: 'KeepAlive' }]);
    expect(destination.received.map((r) => [r.url, JSON.parse(r.body.toString()).a])).toEqual([['/in', 1]]);
    await expect(run(destination.port, [['proxy', 'socks5://127.0.0.1:1080']], [])).rejects.toThrow("proxy 'socks5://127.0.0.1:1080' is not an http:// URL. Write it as http://host:port.");
  });

  it('oauth2: a client-credentials token from a real token endpoint as Bearer, kept while valid, refreshed and resent once on a 401', async () => {
    let issued = 0;
    const tokenRequests: Array<{ authorization: string | undefined; form: string }> = [];
    const tokens = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (part: Buffer) => parts.push(part));
      req.on('end', () => {
        tokenRequests.push({ authorization: req.headers.authorization, form: Buffer.concat(parts).toString() });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `t${++issued}`, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    servers.push(tokens);
    await new Promise<void>((resolve) => tokens.listen(0, '127.0.0.1', resolve));
    const tokenUrl = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}/oauth/token`;
    // The destination refuses the first token it sees (revoked), then takes the next.
    const seen: string[] = [];
    const destination = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(req.headers.authorization ?? '');
        res.writeHead(req.headers.authorization === seen[0] ? 401 : 200).end();
      });
    });
    servers.push(destination);
    await new Promise<void>((resolve) => destination.listen(0, '127.0.0.1', resolve));
    const port = (destination.address() as AddressInfo).port;
    const oauth = [['oauth2.enable', 'on'], ['oauth2.token_url', tokenUrl], ['oauth2.client_id', 'id'], ['oauth2.client_secret', 's e'], ['oauth2.scope', 'logs:write'], ['http_user', 'ignored']] as Array<[string, string]>;
    const { metrics, logs } = await run(port, oauth, [{ a: 1 }]);
    expect(metrics.procRecords).toBe(1);
    expect(logs).not.toContain('HTTP status=401');
    expect(seen).toEqual(['Bearer t1', 'Bearer t2']);
    expect(tokenRequests[0]).toEqual({ authorization: `Basic ${Buffer.from('id:s e').toString('base64')}`, form: 'grant_type=client_credentials&scope=logs%3Awrite' });
    // A token is kept until refresh_skew seconds before its expires_in (less a tenth) runs out.
    const token = new OAuth2Token({ tokenUrl, clientId: 'id', clientSecret: 's', scope: undefined, audience: undefined, resource: undefined, authMethod: 'basic', userAgent: 'ua', refreshSkew: 60, timeout: 0 });
    const before = tokenRequests.length;
    expect(await token.get()).toBe(await token.get());
    expect(tokenRequests.length).toBe(before + 1);
    await token.get(true);
    expect(tokenRequests.length).toBe(before + 2);
    const posted = await run(port, [...oauth, ['oauth2.auth_method', 'post']], [{ a: 3 }]);
    expect(posted.metrics.procRecords).toBe(1);
    expect(tokenRequests.at(-1)).toEqual({ authorization: undefined, form: 'grant_type=client_credentials&scope=logs%3Awrite&client_id=id&client_secret=s+e' });
    await expect(run(port, [...oauth, ['oauth2.auth_method', 'private_key_jwt']], [])).rejects.toThrow('oauth2.auth_method private_key_jwt is not supported by Tributary: use basic or post.');
    const down = await run(port, [['oauth2.enable', 'on'], ['oauth2.token_url', 'http://127.0.0.1:1/token'], ['oauth2.client_id', 'i'], ['oauth2.client_secret', 's']], [{ a: 4 }]);
    expect(down.logs).toMatch(/\[oauth2\] cannot get a token from http:\/\/127.0.0.1:1\/token: .*; the chunk will be retried/);
  });

  it('aws_auth: signs each request with SigV4 from the shared credentials file, the destination recomputing the signature from what it got', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-'));
    writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = nope\n\n[logs]\naws_access_key_id = AKIDLOGS\naws_secret_access_key = s3cret\naws_session_token = tok\n');
    const saved = { file: process.env.AWS_SHARED_CREDENTIALS_FILE, key: process.env.AWS_ACCESS_KEY_ID };
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    delete process.env.AWS_ACCESS_KEY_ID;
    try {
      const verdicts: boolean[] = [];
      const destination = createServer((req, res) => {
        const parts: Buffer[] = [];
        req.on('data', (part: Buffer) => parts.push(part));
        req.on('end', () => {
          const headers: Record<string, string> = {};
          for (let i = 0; i < req.rawHeaders.length; i += 2) {
            const key = req.rawHeaders[i]!;
            if (!['authorization', 'x-amz-date', 'x-amz-security-token', 'connection'].includes(key.toLowerCase())) headers[key] = req.rawHeaders[i + 1]!;
          }
          const date = req.headers['x-amz-date'] as string;
          const at = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
          const expected = signV4({ method: req.method!, path: req.url!, headers, body: Buffer.concat(parts) }, { accessKeyId: 'AKIDLOGS', secretAccessKey: 's3cret', sessionToken: 'tok' }, 'eu-west-1', 'es', at);
          verdicts.push(expected.Authorization === req.headers.authorization && req.headers['x-amz-security-token'] === 'tok');
          res.writeHead(200).end();
        });
      });
      servers.push(destination);
      await new Promise<void>((resolve) => destination.listen(0, '127.0.0.1', resolve));
      const port = (destination.address() as AddressInfo).port;
      const { metrics } = await run(port, [['aws_auth', 'on'], ['aws_service', 'es'], ['aws_region', 'eu-west-1'], ['aws_profile', 'logs'], ['uri', '/_bulk'], ['header', 'X-Extra a  b']], [{ a: 1 }]);
      expect(metrics.procRecords).toBe(1);
      expect(verdicts).toEqual([true]);
      const missing = await run(port, [['aws_auth', 'on'], ['aws_service', 'es'], ['aws_region', 'eu-west-1'], ['aws_profile', 'absent']], [{ a: 2 }]);
      expect(missing.logs).toContain(`could not sign request with sigv4: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put profile 'absent' in ${join(dir, 'credentials')}`);
      await expect(run(port, [['aws_auth', 'on'], ['aws_service', 'es']], [])).rejects.toThrow('aws_auth requires aws_service and aws_region to be set');
    } finally {
      if (saved.file === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
      else process.env.AWS_SHARED_CREDENTIALS_FILE = saved.file;
      if (saved.key !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.key;
    }
  });

  it('refuses another format, another compression and another method with the fix', async () => {
    await expect(run(1, [['format', 'avro']], [])).rejects.toThrow(/use one of json, json_lines, json_stream, msgpack, gelf/);
    await expect(run(1, [['compress', 'zstd']], [])).rejects.toThrow(/gzip only/);
    await expect(run(1, [['http_method', 'GET']], [])).rejects.toThrow(/POST or PUT/);
  });
});
