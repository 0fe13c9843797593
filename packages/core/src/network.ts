import { atLocation, type Logger } from '@tributary/base';
import { resolveConfig, type ConfigMap, type Property } from './config-map.js';
import { CoreError } from './errors.js';

/** What a plugin that uses the network declares: its role, its default port, whether it can do TLS. */
export interface NetworkSpec {
  /** A `server` listens (`Listen`, `Port`: most inputs); a `client` connects (`Host`, `Port`: outputs). */
  readonly role: 'server' | 'client';
  readonly defaultPort: number;
  /** `Listen` (server, default 0.0.0.0) or `Host` (client, default 127.0.0.1). */
  readonly defaultAddress?: string;
  /** Whether `tls on` is accepted. */
  readonly tls: boolean;
}

/** Fluent Bit's `tls.*` keys, resolved. */
export interface TlsSettings {
  readonly enabled: boolean;
  readonly verify: boolean;
  readonly verifyHostname: boolean;
  /** Servers: ask clients for a certificate and check it (`tls.verify_client_cert`). */
  readonly verifyClientCert: boolean;
  readonly caFile: string | undefined;
  readonly caPath: string | undefined;
  readonly crtFile: string | undefined;
  readonly keyFile: string | undefined;
  readonly keyPasswd: string | undefined;
  /** Server name sent in SNI and checked against the certificate (clients). */
  readonly vhost: string | undefined;
  readonly minVersion: string | undefined;
  readonly maxVersion: string | undefined;
  readonly ciphers: string | undefined;
}

/** The network part of a plugin instance's context: the core keys Fluent Bit keeps for itself. */
export interface NetworkSettings {
  /** `Listen` for a server, `Host` for a client. */
  readonly address: string;
  readonly port: number;
  readonly ipv6: boolean;
  readonly tls: TlsSettings;
  /** Seconds; 0 is no limit (`net.io_timeout`). */
  readonly ioTimeout: number;
  /** Seconds to establish a connection, TLS handshake included (`net.connect_timeout`; clients). */
  readonly connectTimeout: number;
  /** Seconds an incoming connection may take to be established (`net.accept_timeout`; servers). */
  readonly acceptTimeout: number;
  /** Reuse connections (`net.keepalive`). */
  readonly keepalive: boolean;
  /** Seconds an idle kept-alive connection is kept (`net.keepalive_idle_timeout`). */
  readonly keepaliveIdleTimeout: number;
  /** Uses of one connection before it is replaced; 0 is unlimited (`net.keepalive_max_recycle`). */
  readonly keepaliveMaxRecycle: number;
  /** TCP keepalive probes, and seconds of idleness before the first (`net.tcp_keepalive`, `net.tcp_keepalive_time`; -1 the OS default). */
  readonly tcpKeepalive: boolean;
  readonly tcpKeepaliveTime: number;
  /** Local address to connect from (`net.source_address`). */
  readonly sourceAddress: string | undefined;
  /** Listen backlog (`net.backlog`; servers). */
  readonly backlog: number;
  /** Prefer IPv4 or IPv6 addresses when a host name resolves to both. */
  readonly dnsPrefer: 'ipv4' | 'ipv6' | undefined;
}

const TLS_MAP: ConfigMap = {
  tls: { type: 'bool', default: 'off', description: 'Enable TLS' },
  'tls.verify': { type: 'bool', default: 'on', description: 'Verify the peer certificate' },
  'tls.verify_hostname': { type: 'bool', default: 'off', description: "Check that the certificate matches the peer's host name" },
  'tls.debug': { type: 'int', default: '-1', description: 'TLS debug verbosity', unsupported: "Node's TLS has no debug levels" },
  'tls.vhost': { type: 'string', description: 'Host name to send in SNI and to verify' },
  'tls.ca_path': { type: 'string', description: 'Directory of CA certificates' },
  'tls.ca_file': { type: 'string', description: 'CA certificate file (PEM)' },
  'tls.crt_file': { type: 'string', description: 'Certificate file (PEM)' },
  'tls.key_file': { type: 'string', description: 'Private key file (PEM)' },
  'tls.key_passwd': { type: 'string', description: 'Password of the private key' },
  'tls.min_version': { type: 'string', description: 'Lowest TLS version, e.g. TLSv1.2' },
  'tls.max_version': { type: 'string', description: 'Highest TLS version, e.g. TLSv1.3' },
  'tls.ciphers': { type: 'string', description: 'OpenSSL cipher list' },
};

const SHARED_MAP: ConfigMap = {
  ipv6: { type: 'bool', default: 'off', description: 'Use IPv6' },
  'net.io_timeout': { type: 'time', default: '0s', description: 'Maximum time a connection may stay idle; 0 is no limit' },
  'net.keepalive': { type: 'bool', default: 'on', description: 'Reuse connections' },
};

const CLIENT_MAP: ConfigMap = {
  ...SHARED_MAP,
  'net.connect_timeout': { type: 'time', default: '10s', description: 'Maximum time to establish a connection, TLS handshake included' },
  'net.connect_timeout_log_error': { type: 'bool', default: 'on', description: 'Log a connect timeout as an error (else at debug level)' },
  'net.keepalive_idle_timeout': { type: 'time', default: '30s', description: 'Maximum time an idle kept-alive connection is kept' },
  'net.keepalive_max_recycle': { type: 'int', default: '2000', description: 'Uses of one connection before it is replaced; 0 is unlimited' },
  'net.tcp_keepalive': { type: 'bool', default: 'off', description: 'Send TCP keepalive probes' },
  'net.tcp_keepalive_time': { type: 'int', default: '-1', description: 'Seconds of idleness before the first TCP keepalive probe; -1 is the OS default' },
  'net.tcp_keepalive_interval': { type: 'int', default: '-1', description: 'Seconds between TCP keepalive probes', unsupported: 'Node sets only the time before the first probe' },
  'net.tcp_keepalive_probes': { type: 'int', default: '-1', description: 'Unanswered probes before a connection is dead', unsupported: 'Node sets only the time before the first probe' },
  'net.source_address': { type: 'string', description: 'Local address to connect from' },
  'net.dns.mode': { type: 'string', description: 'DNS over UDP or TCP', unsupported: "Node's resolver (getaddrinfo) is used" },
  'net.dns.resolver': { type: 'string', description: 'LEGACY or ASYNC resolver', unsupported: "Node's resolver (getaddrinfo) is used" },
  'net.dns.prefer_ipv4': { type: 'bool', default: 'off', description: 'Prefer IPv4 addresses' },
  'net.dns.prefer_ipv6': { type: 'bool', default: 'off', description: 'Prefer IPv6 addresses' },
  'net.max_worker_connections': { type: 'int', default: '0', description: 'Maximum connections per worker; 0 is unlimited', unsupported: 'connections are pooled per instance' },
  'net.proxy_env_ignore': { type: 'bool', default: 'off', description: 'Ignore HTTP_PROXY/NO_PROXY', unsupported: 'proxies are not used' },
};

const SERVER_MAP: ConfigMap = {
  ...SHARED_MAP,
  'tls.verify_client_cert': { type: 'bool', default: 'off', description: 'Require and verify a client certificate' },
  'net.accept_timeout': { type: 'time', default: '10s', description: 'Maximum time to establish an incoming connection, TLS handshake included' },
  'net.accept_timeout_log_error': { type: 'bool', default: 'on', description: 'Log an accept timeout as an error (else at debug level)' },
  'net.backlog': { type: 'int', default: '128', description: 'Listen backlog' },
  'net.share_port': { type: 'bool', default: 'off', description: 'Let several plugins bind the same port', unsupported: 'Node 20 cannot set SO_REUSEPORT' },
};

/** The core keys of a plugin with this network spec, as `agent -h` lists them. */
export function networkConfigMap(spec: NetworkSpec): ConfigMap {
  const address: ConfigMap =
    spec.role === 'server'
      ? { listen: { type: 'string', default: spec.defaultAddress ?? '0.0.0.0', description: 'Address to listen on' } }
      : { host: { type: 'string', default: spec.defaultAddress ?? '127.0.0.1', description: 'Host to connect to' } };
  return {
    ...address,
    port: { type: 'int', default: String(spec.defaultPort), description: spec.role === 'server' ? 'TCP port to listen on' : 'TCP port to connect to' },
    ...(spec.role === 'server' ? SERVER_MAP : CLIENT_MAP),
    ...(spec.tls ? TLS_MAP : {}),
  };
}

/** Whether `key` is one of the network keys Fluent Bit consumes itself (never shown to a plugin). */
export function isNetworkKey(key: string): boolean {
  return /^(listen|host|port|ipv6|tls|tls\..*|net\..*)$/.test(key);
}

/**
 * Resolves the network keys of one instance against its plugin's network spec. A plugin without
 * one (dummy, a Go plugin) never sees these keys, as in Fluent Bit; setting one warns, and
 * `tls on` is refused, since such a plugin cannot do TLS.
 */
export function resolveNetwork(instance: string, spec: NetworkSpec | undefined, properties: readonly Property[], log: Logger): NetworkSettings | undefined {
  const network = properties.filter((p) => isNetworkKey(p.key.toLowerCase()));
  if (!spec) {
    for (const property of network) {
      const key = property.key.toLowerCase();
      if (key === 'tls' && /^(on|true|yes)$/i.test(property.value.trim())) {
        throw new CoreError(
          'TLS_UNSUPPORTED',
          atLocation(property.source, `${instance} does not support TLS: remove 'tls ${property.value}' (a Go plugin handles TLS itself, through its own properties).`),
        );
      }
      log.warn(atLocation(property.source, `'${property.key}' has no effect on ${instance}, which takes no network settings.`));
    }
    return undefined;
  }
  const tlsKey = network.find((p) => p.key.toLowerCase() === 'tls');
  if (!spec.tls && tlsKey && /^(on|true|yes)$/i.test(tlsKey.value.trim())) {
    throw new CoreError('TLS_UNSUPPORTED', atLocation(tlsKey.source, `${instance} does not support TLS: remove 'tls ${tlsKey.value}'.`));
  }
  const map = networkConfigMap(spec);
  const known = network.filter((property) => {
    if (map[property.key.toLowerCase()] !== undefined || property.key.toLowerCase().startsWith('net.')) return true;
    log.warn(atLocation(property.source, `'${property.key}' has no effect on ${instance}.`));
    return false;
  });
  const c = resolveConfig(instance, map, known, (message) => log.warn(message)) as Readonly<Record<string, string | number | boolean | undefined>>;
  const text = (key: string) => c[key] as string | undefined;
  const number = (key: string, fallback: number) => (c[key] as number | undefined) ?? fallback;
  const flag = (key: string, fallback: boolean) => (c[key] as boolean | undefined) ?? fallback;
  return {
    address: text(spec.role === 'server' ? 'listen' : 'host')!,
    port: number('port', spec.defaultPort),
    ipv6: flag('ipv6', false),
    tls: {
      enabled: flag('tls', false),
      verify: flag('tls.verify', true),
      verifyHostname: flag('tls.verify_hostname', false),
      verifyClientCert: flag('tls.verify_client_cert', false),
      caFile: text('tls.ca_file'),
      caPath: text('tls.ca_path'),
      crtFile: text('tls.crt_file'),
      keyFile: text('tls.key_file'),
      keyPasswd: text('tls.key_passwd'),
      vhost: text('tls.vhost'),
      minVersion: text('tls.min_version'),
      maxVersion: text('tls.max_version'),
      ciphers: text('tls.ciphers'),
    },
    ioTimeout: number('net.io_timeout', 0),
    connectTimeout: number('net.connect_timeout', 10),
    acceptTimeout: number('net.accept_timeout', 10),
    keepalive: flag('net.keepalive', true),
    keepaliveIdleTimeout: number('net.keepalive_idle_timeout', 30),
    keepaliveMaxRecycle: number('net.keepalive_max_recycle', 2000),
    tcpKeepalive: flag('net.tcp_keepalive', false),
    tcpKeepaliveTime: number('net.tcp_keepalive_time', -1),
    sourceAddress: text('net.source_address'),
    backlog: number('net.backlog', 128),
    dnsPrefer: flag('net.dns.prefer_ipv6', false) ? 'ipv6' : flag('net.dns.prefer_ipv4', false) ? 'ipv4' : undefined,
  };
}
