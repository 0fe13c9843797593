import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { compileRecordAccessor, CoreError, defineOutput, forEachRawEvent, RecordMap, type FlushResult, type RecordAccessor } from '@tributary/core';
import { splitHeader, statusResult } from './http-status.js';
import { DEFAULT_GELF_FIELDS, GelfError, gelfRecords, type GelfFields } from './gelf.js';
import { JSON_DATE_CONFIG, jsonDateSettings, jsonRecords } from './json-records.js';
import { awsCredentials } from './aws-credentials.js';
import { signV4 } from './aws-sigv4.js';
import { OAUTH2_CONFIG, oauth2Settings, OAuth2Token } from './oauth2-client.js';
import { tlsClientOptions } from './tls-client.js';

const gzip = promisify(gzipCallback);

const FORMATS = ['json', 'json_lines', 'json_stream', 'msgpack', 'gelf'] as const;
type HttpFormat = (typeof FORMATS)[number];
const CONTENT_TYPE: Record<HttpFormat, string> = {
  json: 'application/json',
  json_stream: 'application/json',
  json_lines: 'application/x-ndjson',
  msgpack: 'application/msgpack',
  gelf: 'application/json',
};

/**
 * Fluent Bit's `http` output (`plugins/out_http/http.c`): each chunk is one request to
 * `Host:Port/URI` (kept-alive connections, TLS with `tls on`), its records as JSON (`json`,
 * `json_lines`, `json_stream`, with the date under `json_date_key`), as GELF 1.1 lines (`gelf`,
 * with the `gelf_*_key` mapping) or as the chunk's msgpack,
 * optionally gzipped, with Fluent Bit's headers in its order. 200–205 is delivered; 4xx other
 * than 408 and 429 drops the chunk (counted as an error); any other status, a timeout or a
 * connection error retries it.
 */
export const httpOutput = defineOutput({
  name: 'http',
  description: 'HTTP Output',
  network: { role: 'client', defaultPort: 80, tls: true },
  configMap: {
    uri: { type: 'string', default: '/', description: 'the path requests go to' },
    http_method: { type: 'string', default: 'POST', description: 'POST or PUT' },
    format: { type: 'string', default: 'json', description: 'json, json_lines, json_stream, msgpack or gelf' },
    gelf_timestamp_key: { type: 'string', description: "the record key GELF's timestamp comes from (default timestamp)" },
    gelf_host_key: { type: 'string', description: "the record key GELF's host comes from (default host)" },
    gelf_short_message_key: { type: 'string', description: "the record key GELF's short_message comes from (default short_message)" },
    gelf_full_message_key: { type: 'string', description: "the record key GELF's full_message comes from (default full_message)" },
    gelf_level_key: { type: 'string', description: "the record key GELF's level comes from (default level)" },
    ...JSON_DATE_CONFIG,
    header: { type: 'string', multiple: true, description: 'NAME VALUE: a header sent with every request' },
    header_tag: { type: 'string', description: 'a header that carries the chunk tag' },
    compress: { type: 'string', description: 'gzip: compress the body' },
    http_user: { type: 'string', description: 'Basic authentication user' },
    http_passwd: { type: 'string', default: '', description: 'Basic authentication password' },
    allow_duplicated_headers: { type: 'bool', default: 'true', description: 'send a Header given twice twice (else the last wins)' },
    log_response_payload: { type: 'bool', default: 'true', description: 'log the response body with the status' },
    'http.response_timeout': { type: 'time', default: '60s', description: 'the longest wait for a response' },
    body_key: { type: 'string', description: 'record accessor ($key) of a string sent as the body of one request per record (needs headers_key)' },
    headers_key: { type: 'string', description: 'record accessor ($key) of a map of string headers sent with that request (needs body_key)' },
    proxy: { type: 'string', description: 'http://host:port: send every request through this HTTP proxy' },
    ...OAUTH2_CONFIG,
    aws_auth: { type: 'bool', default: 'false', description: 'sign requests with AWS SigV4' },
    aws_service: { type: 'string', description: 'the AWS service code SigV4 signs for (es, aps ...)' },
    aws_region: { type: 'string', description: 'the AWS region SigV4 signs for' },
    aws_profile: { type: 'string', description: 'the profile of the shared credentials file (default AWS_PROFILE, then default)' },
    aws_role_arn: { type: 'string', description: 'a role to assume through STS', unsupported: 'credentials come from the environment or the shared credentials file' },
    aws_external_id: { type: 'string', description: 'the external id of aws_role_arn', unsupported: 'roles are not assumed' },
    aws_sts_endpoint: { type: 'string', description: 'the STS endpoint of aws_role_arn', unsupported: 'roles are not assumed' },
  },
  init(ctx) {
    const { config, name, net } = ctx;
    const format = config.format.toLowerCase() as HttpFormat;
    if (!FORMATS.includes(format)) {
      throw new CoreError('INVALID_PROPERTY', `${name}: format ${config.format} is not supported by Tributary: use one of ${FORMATS.join(', ')}.`);
    }
    const method = config.http_method.toUpperCase();
    if (method !== 'POST' && method !== 'PUT') throw new CoreError('INVALID_PROPERTY', `${name}: http_method must be POST or PUT, not '${config.http_method}'.`);
    const compress = config.compress?.toLowerCase();
    if (compress !== undefined && compress !== 'gzip') {
      throw new CoreError('INVALID_PROPERTY', `${name}: compress ${config.compress} is not supported: Tributary compresses with gzip only.`);
    }
    const { dateKey, dateFormat } = jsonDateSettings(name, config);
    const gelfFields: GelfFields = {
      host: config.gelf_host_key ?? DEFAULT_GELF_FIELDS.host,
      shortMessage: config.gelf_short_message_key ?? DEFAULT_GELF_FIELDS.shortMessage,
      timestamp: config.gelf_timestamp_key ?? DEFAULT_GELF_FIELDS.timestamp,
      level: config.gelf_level_key ?? DEFAULT_GELF_FIELDS.level,
      fullMessage: config.gelf_full_message_key ?? DEFAULT_GELF_FIELDS.fullMessage,
    };
    const payloadOf = (data: Uint8Array): Uint8Array => {
      if (format === 'msgpack') return data;
      if (format === 'gelf') return Buffer.from(gelfRecords(data, gelfFields, (message) => ctx.log.warn(message)));
      return jsonRecords(data, format, dateKey, dateFormat);
    };
    if ((config.body_key === undefined) !== (config.headers_key === undefined)) {
      throw new CoreError('INVALID_PROPERTY', `${name}: when setting ${config.body_key === undefined ? 'headers_key, body_key' : 'body_key, headers_key'} is also required.`);
    }
    const perRecord = config.body_key === undefined ? undefined : { body: compileRecordAccessor(config.body_key), headers: compileRecordAccessor(config.headers_key!) };
    const path = config.uri.startsWith('/') ? config.uri : `/${config.uri}`;
    const extra = config.header.map((text) => splitHeader(text, name));
    const agentOptions = { keepAlive: net.keepalive, timeout: net.keepaliveIdleTimeout * 1000 };
    const agent = net.tls.enabled ? new HttpsAgent({ ...agentOptions, ...tlsClientOptions(net.tls) }) : new HttpAgent(agentOptions);
    const request = net.tls.enabled ? httpsRequest : httpRequest;
    const where = `${net.tls.enabled ? 'https' : 'http'}://${net.address}:${net.port}${path}`;
    // Through a proxy (out_http's `proxy`), the connection is to the proxy and the request line
    // names the destination in absolute form, as Fluent Bit's HTTP client writes it.
    const proxy = config.proxy === undefined ? undefined : proxyOf(name, config.proxy);
    const target: { host: string; port: number; path: string; extra: Record<string, string> } =
      proxy === undefined
        ? { host: net.address, port: net.port, path, extra: {} }
        : { host: proxy.host, port: proxy.port, path: `http://${net.address}:${net.port}${path}`, extra: { Host: `${net.address}:${net.port}`, 'Proxy-Connection': 'KeepAlive' } };

    const headersFor = (tag: string, size: number, recordHeaders?: ReadonlyArray<[string, string]>): OutgoingHttpHeaders => {
      // Fluent Bit's order: Content-Type (or a record's own headers), the tag header, Content-Encoding, Authorization, User-Agent, then Header entries.
      const headers: Record<string, string | string[]> = { ...target.extra, ...(recordHeaders === undefined ? { 'Content-Type': CONTENT_TYPE[format] } : Object.fromEntries(recordHeaders)) };
      if (config.header_tag) headers[config.header_tag] = tag;
      if (compress) headers['Content-Encoding'] = 'gzip';
      if (config.http_user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${config.http_user}:${config.http_passwd}`).toString('base64')}`;
      headers['User-Agent'] = 'Fluent-Bit';
      for (const [key, value] of extra) {
        const existing = headers[key];
        headers[key] = existing !== undefined && config.allow_duplicated_headers ? [...[existing].flat(), value] : value;
      }
      headers['Content-Length'] = String(size);
      return headers;
    };

    const oauth2 = oauth2Settings(name, config);
    const token = oauth2 === undefined ? undefined : new OAuth2Token(oauth2);
    if (config.aws_auth && (config.aws_service === undefined || config.aws_region === undefined)) {
      throw new CoreError('INVALID_PROPERTY', `${name}: aws_auth requires aws_service and aws_region to be set, e.g. 'aws_service es' and 'aws_region us-east-1'.`);
    }
    // The Host header SigV4 signs, as Fluent Bit's HTTP client writes it (no port for TLS on 443).
    const hostHeader = net.tls.enabled && net.port === 443 ? net.address : `${net.address}:${net.port}`;
    /** `aws_auth`: the headers signed with SigV4 (credentials read afresh), or undefined and the reason logged. */
    const signed = (headers: OutgoingHttpHeaders, body: Uint8Array): OutgoingHttpHeaders | undefined => {
      let credentials;
      try {
        credentials = awsCredentials(config.aws_profile);
      } catch (error) {
        ctx.log.error(`could not sign request with sigv4: ${(error as Error).message}; the chunk will be retried`);
        return undefined;
      }
      const flat: Record<string, string> = { Host: hostHeader };
      for (const [key, value] of Object.entries(headers)) if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(',') : String(value);
      return signV4({ method, path, headers: flat, body }, credentials, config.aws_region!, config.aws_service!, new Date());
    };

    /**
     * One request; with OAuth2 (`flb_http_do_with_oauth2`) it carries `Authorization: Bearer`
     * in place of any other, and a 401 refreshes the token and sends it once more.
     */
    const send = async (body: Uint8Array, tag: string, recordHeaders?: ReadonlyArray<[string, string]>): Promise<FlushResult> => {
      if (config.aws_auth) {
        const headers = signed(headersFor(tag, body.length, recordHeaders), body);
        return headers === undefined ? 'retry' : (await sendOnce(body, headers)).result;
      }
      if (token === undefined) return (await sendOnce(body, headersFor(tag, body.length, recordHeaders))).result;
      for (let attempt = 0; ; attempt++) {
        let bearer: string;
        try {
          bearer = await token.get(attempt > 0);
        } catch (error) {
          ctx.log.error(`${(error as Error).message}; the chunk will be retried`);
          return 'retry';
        }
        const headers = { ...headersFor(tag, body.length, recordHeaders), Authorization: `Bearer ${bearer}` };
        const { result, status } = await sendOnce(body, headers, attempt === 0);
        if (status !== 401 || attempt > 0) return result;
        ctx.log.info('401 received; refreshing OAuth2 token and retrying once');
        token.invalidate();
      }
    };

    /** Sends one request; `quiet401` leaves a 401 unlogged (OAuth2 will try once more). */
    const sendOnce = (body: Uint8Array, headers: OutgoingHttpHeaders, quiet401 = false): Promise<{ result: FlushResult; status: number }> =>
      new Promise((done) => {
        const resolve = (result: FlushResult, status = 0) => done({ result, status });
        const req = request(
          { agent, host: target.host, port: target.port, path: target.path, method, headers, timeout: config['http.response_timeout'] * 1000 },
          (res: IncomingMessage) => {
            const parts: Buffer[] = [];
            res.on('data', (part: Buffer) => parts.push(part));
            res.on('error', () => resolve('retry'));
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              const result = statusResult(status);
              const payload = config.log_response_payload ? Buffer.concat(parts).toString('utf8') : '';
              if (result === 'ok' || (status === 401 && quiet401)) ctx.log.debug(`${net.address}:${net.port}, HTTP status=${status}${payload ? `\n${payload}` : ''}`);
              else ctx.log.error(`${net.address}:${net.port}, HTTP status=${status}${payload ? `\n${payload}` : ''}${result === 'error' ? ' (the chunk is dropped: Fluent Bit does not retry a 4xx)' : ''}`);
              resolve(result, status);
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no response within ${config['http.response_timeout']} s`)));
        req.on('error', (error) => {
          ctx.log.error(`could not flush records to ${where}: ${error.message}`);
          resolve('retry');
        });
        req.end(body);
      });

    /**
     * Body_Key/Headers_Key: one request per record, as out_http's `send_all_requests`; the flush
     * ends as the last record did (a record without a string body or a headers map is skipped
     * with a warning, and the flush then fails if it was the last).
     */
    const sendEach = async (data: Uint8Array, tag: string, keys: NonNullable<typeof perRecord>): Promise<FlushResult> => {
      const records: Array<{ body: Uint8Array; headers: Array<[string, string]> } | undefined> = [];
      let notMap = false;
      forEachRawEvent(data, (_sec, _nsec, _metadata, body) => {
        if (notMap) return;
        if (body[0] === undefined || !isMapHeader(body[0])) {
          notMap = true;
          return;
        }
        records.push(perRecordRequest(RecordMap.of(body), keys, (message) => ctx.log.warn(message)));
      });
      let result: FlushResult = 'ok';
      for (const record of records) {
        if (record === undefined) {
          result = 'error';
          continue;
        }
        result = await send(compress ? await gzip(record.body) : record.body, tag, record.headers);
      }
      if (notMap || result === 'error') ctx.log.error(`failed to send requests using body key "${config.body_key}"`);
      return notMap ? 'error' : result;
    };

    return {
      async flush(chunk) {
        if (perRecord !== undefined) return sendEach(chunk.data, chunk.tag, perRecord);
        let payload: Uint8Array;
        try {
          payload = payloadOf(chunk.data);
        } catch (error) {
          if (!(error instanceof GelfError)) throw error;
          ctx.log.error(`error encoding to GELF: ${error.message}: the chunk is dropped, as Fluent Bit drops it`);
          return 'error';
        }
        const body = compress ? await gzip(payload) : payload;
        return send(body, chunk.tag);
      },
      exit() {
        agent.destroy();
      },
    };
  },
});

function isMapHeader(byte: number): boolean {
  return (byte >= 0x80 && byte <= 0x8f) || byte === 0xde || byte === 0xdf;
}

/**
 * One record's request in Body_Key mode: the string (or bytes) at the body accessor, sent as it
 * is, and the string pairs of the map at the headers accessor in order — up to the first pair
 * that is not string to string, where Fluent Bit's header list ends. Undefined (warned) when
 * either is missing or of another type.
 */
function perRecordRequest(record: RecordMap, keys: { body: RecordAccessor; headers: RecordAccessor }, warn: (message: string) => void): { body: Uint8Array; headers: Array<[string, string]> } | undefined {
  const value = keys.body.get(record);
  let body: Uint8Array | undefined;
  if (typeof value === 'string') body = Buffer.from(value, 'utf8');
  else if (value instanceof Uint8Array) body = value;
  else if (value !== undefined) warn(`failed to extract body using pattern "${keys.body.pattern}" (must be a msgpack string or bin)`);
  const map = keys.headers.get(record);
  let headers: Array<[string, string]> | undefined;
  if (typeof map === 'object' && map !== null && !Array.isArray(map) && !(map instanceof Uint8Array)) {
    headers = [];
    for (const [name, text] of Object.entries(map)) {
      if (typeof text !== 'string') break;
      headers.push([name, text]);
    }
  } else if (map !== undefined) warn(`error extracting headers using pattern "${keys.headers.pattern}"`);
  if (body === undefined || headers === undefined) {
    warn(`failed to extract body/headers using patterns "${keys.body.pattern}" and "${keys.headers.pattern}"`);
    return undefined;
  }
  return { body, headers };
}

/** `proxy http://host:port` (the port defaults to 80, as Fluent Bit's URL split gives it). */
function proxyOf(name: string, text: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CoreError('INVALID_PROPERTY', `${name}: could not parse proxy parameter: '${text}'. Write it as http://host:port.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CoreError('INVALID_PROPERTY', `${name}: proxy '${text}' is not an http:// URL. Write it as http://host:port.`);
  return { host: url.hostname, port: url.port === '' ? 80 : Number(url.port) };
}
