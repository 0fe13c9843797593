/**
 * The Kong PDK as plugins call it: camelCase names mapped to Kong's Lua names
 * (`getHeader` → `kong.request.get_header`), each call one round trip to Kong resolving with
 * the first value Kong returns (Kong 3.x sends only that one). A PDK error that Kong 2.x
 * reports rejects the call with a `PdkError`.
 *
 * Strings are Lua byte strings on Kong's side: a value that is not valid UTF-8 (a Latin-1
 * header, say) arrives as a `Buffer` of its exact bytes rather than a mangled string.
 */

/** A Kong multimap: header or query names to their values (`true` for a flag without value). */
export type MultiMap = Record<string, Array<string | true>>;

/** A reference to another entity. */
export interface EntityReference {
  id: string;
}

export interface Route {
  id: string;
  created_at: number;
  updated_at: number;
  name: string | null;
  protocols: string[];
  methods: string[] | null;
  hosts: string[] | null;
  paths: string[] | null;
  headers: Record<string, string[]> | null;
  https_redirect_status_code: number;
  regex_priority: number;
  strip_path: boolean;
  preserve_host: boolean;
  snis: string[] | null;
  sources: unknown[] | null;
  destinations: unknown[] | null;
  tags: string[] | null;
  service: EntityReference | null;
}

export interface Service {
  id: string;
  created_at: number;
  updated_at: number;
  name: string | null;
  retries: number;
  protocol: string;
  host: string;
  port: number;
  path: string | null;
  connect_timeout: number;
  write_timeout: number;
  read_timeout: number;
  tags: string[] | null;
  client_certificate: EntityReference | null;
}

export interface Consumer {
  id: string;
  created_at: number;
  username: string | null;
  custom_id: string | null;
  tags: string[] | null;
}

export interface Credential {
  id: string;
  consumer_id: string;
  [field: string]: unknown;
}

export interface MemoryStats {
  lua_shared_dicts: Record<string, { allocated_slabs: number | string; capacity: number | string }>;
  workers_lua_vms: Array<{ http_allocated_gc: number | string; pid: number }>;
}

type Call<Args extends unknown[], R> = (...args: Args) => Promise<R>;
type Setter<Args extends unknown[]> = Call<Args, void>;
type LogFunction = (...message: unknown[]) => Promise<void>;

export interface KongClient {
  getIp: Call<[], string>;
  getForwardedIp: Call<[], string>;
  getPort: Call<[], number>;
  getForwardedPort: Call<[], number>;
  getCredential: Call<[], Credential | null>;
  loadConsumer: Call<[consumerId: string, byUsername?: boolean], Consumer | null>;
  getConsumer: Call<[], Consumer | null>;
  authenticate: Setter<[consumer: Consumer | null, credential: Credential | null]>;
  getProtocol: Call<[allowTerminated?: boolean], string>;
  getConsumerGroup: Call<[], unknown>;
  getConsumerGroups: Call<[], unknown[]>;
  authenticateConsumerGroupByConsumerId: Setter<[consumerId: string]>;
  setAuthenticatedConsumerGroup: Setter<[group: unknown]>;
  setAuthenticatedConsumerGroups: Setter<[groups: unknown[]]>;
  tls: {
    requestClientCertificate: Setter<[caCerts?: unknown]>;
    disableSessionReuse: Setter<[]>;
    getFullClientCertificateChain: Call<[], string | null>;
    setClientVerify: Setter<[verify: string]>;
  };
}

export interface KongLog {
  alert: LogFunction;
  crit: LogFunction;
  err: LogFunction;
  warn: LogFunction;
  notice: LogFunction;
  info: LogFunction;
  debug: LogFunction;
  deprecation: LogFunction;
  /** Kong returns the serialized request as a JSON **string**; parse it yourself. */
  serialize: Call<[], string>;
  setSerializeValue: Setter<[key: string, value: unknown, options?: { mode: 'set' | 'add' | 'replace' }]>;
}

export interface KongNginx {
  getVar: Call<[name: string], string | null>;
  getTls1VersionStr: Call<[], string | null>;
  getCtx: Call<[key: string], unknown>;
  setCtx: Setter<[key: string, value: unknown]>;
  /** Seconds, as a float. */
  reqStartTime: Call<[], number>;
  getSubsystem: Call<[], 'http' | 'stream'>;
  getStatistics: Call<[], Record<string, number>>;
  shared: { get: Call<[key: string], unknown>; set: Setter<[key: string, value: unknown]> };
}

export interface KongNode {
  getId: Call<[], string>;
  getHostname: Call<[], string>;
  getMemoryStats: Call<[unit?: string, scale?: number], MemoryStats>;
}

export interface KongRequest {
  getScheme: Call<[], string>;
  getHost: Call<[], string>;
  getPort: Call<[], number>;
  getForwardedScheme: Call<[], string>;
  getForwardedHost: Call<[], string>;
  getForwardedPort: Call<[], number>;
  getForwardedPath: Call<[], string>;
  getForwardedPrefix: Call<[], string | null>;
  getHttpVersion: Call<[], number>;
  getMethod: Call<[], string>;
  getPath: Call<[], string>;
  getRawPath: Call<[], string>;
  getPathWithQuery: Call<[], string>;
  getRawQuery: Call<[], string>;
  getQueryArg: Call<[name: string], string | true | null>;
  getQuery: Call<[max?: number], MultiMap>;
  getHeader: Call<[name: string], string | null>;
  getHeaders: Call<[max?: number], MultiMap>;
  /** A Buffer (msgpack bin) from Kong 3.0 on. */
  getRawBody: Call<[maxAllowedFileSize?: number], Buffer | string>;
  getBody: Call<[mimetype?: string, maxArgs?: number, maxAllowedFileSize?: number], unknown>;
  getUriCaptures: Call<[], { unnamed: string[]; named: Record<string, string> }>;
  /** Milliseconds. */
  getStartTime: Call<[], number>;
}

export interface KongResponse {
  getStatus: Call<[], number>;
  getHeader: Call<[name: string], string | null>;
  getHeaders: Call<[max?: number], MultiMap>;
  getSource: Call<[], 'service' | 'error' | 'exit'>;
  setStatus: Setter<[status: number]>;
  setHeader: Setter<[name: string, value: string | number | string[]]>;
  addHeader: Setter<[name: string, value: string | number | string[]]>;
  clearHeader: Setter<[name: string]>;
  setHeaders: Setter<[headers: Record<string, string | string[]>]>;
  /** Terminal: Kong never answers it; the call resolves at once and later PDK calls are no-ops. */
  exit: Setter<[status: number, body?: string | Buffer | Record<string, unknown>, headers?: Record<string, string | string[]>]>;
  /** Terminal, like `exit`. */
  error: Setter<[status: number, message?: string, headers?: Record<string, string | string[]>]>;
  getRawBody: Call<[], Buffer | string>;
  setRawBody: Setter<[body: string | Buffer]>;
}

export interface KongRouter {
  getRoute: Call<[], Route | null>;
  getService: Call<[], Service | null>;
}

export interface KongServiceRequest {
  setScheme: Setter<[scheme: string]>;
  setPath: Setter<[path: string]>;
  setRawQuery: Setter<[query: string]>;
  setMethod: Setter<[method: string]>;
  setQuery: Setter<[args: Record<string, string | string[] | boolean>]>;
  setHeader: Setter<[name: string, value: string | number]>;
  addHeader: Setter<[name: string, value: string | number]>;
  clearHeader: Setter<[name: string]>;
  setHeaders: Setter<[headers: Record<string, string | string[]>]>;
  setRawBody: Setter<[body: string | Buffer]>;
  setBody: Setter<[args: Record<string, unknown>, mimetype?: string]>;
  enableBuffering: Setter<[]>;
  disableTls: Setter<[]>;
}

export interface KongServiceResponse {
  getStatus: Call<[], number>;
  getHeader: Call<[name: string], string | null>;
  getHeaders: Call<[max?: number], MultiMap>;
  getRawBody: Call<[], Buffer | string>;
  getBody: Call<[mimetype?: string, maxArgs?: number], unknown>;
}

export interface KongService {
  setUpstream: Setter<[host: string]>;
  setTarget: Setter<[host: string, port: number]>;
  setRetries: Setter<[retries: number]>;
  setTimeouts: Setter<[connect: number, write: number, read: number]>;
  setTlsVerify: Setter<[on: boolean]>;
  setTlsVerifyDepth: Setter<[depth: number]>;
  request: KongServiceRequest;
  response: KongServiceResponse;
}

export interface KongVault {
  get: Call<[reference: string], string | null>;
  isReference: Call<[reference: string], boolean>;
  parseReference: Call<[reference: string], Record<string, unknown>>;
  update: Call<[options: Record<string, unknown>], Record<string, unknown>>;
  flush: Setter<[]>;
  warmup: Setter<[values: Record<string, unknown>]>;
  initWorker: Setter<[]>;
}

/** The typed PDK handed to phase handlers. */
export interface KongPdk {
  client: KongClient;
  ctx: { shared: { get: Call<[key: string], unknown>; set: Setter<[key: string, value: unknown]> } };
  ip: { isTrusted: Call<[address: string], boolean> };
  log: KongLog;
  nginx: KongNginx;
  node: KongNode;
  plugin: { getId: Call<[], string> };
  request: KongRequest;
  response: KongResponse;
  router: KongRouter;
  service: KongService;
  vault: KongVault;
  cluster: { getId: Call<[], string> };
  telemetry: { log: Setter<[pluginName: string, pluginConfig: unknown, messageType: string, message: string, attributes?: Record<string, unknown>]> };
}
