import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { TlsSettings } from '@tributary/core';

/**
 * Node TLS client options from Fluent Bit's `tls.*` keys: `tls.verify` checks the certificate
 * chain (against `tls.ca_file`, else Node's CAs), and only `tls.verify_hostname on` also checks
 * the name in it, as in Fluent Bit; `tls.vhost` is the SNI name.
 */
export function tlsClientOptions(tls: TlsSettings): ConnectionOptions {
  return {
    rejectUnauthorized: tls.verify,
    ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
    ...(tls.crtFile ? { cert: readFileSync(tls.crtFile) } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
    ...(tls.keyPasswd ? { passphrase: tls.keyPasswd } : {}),
    ...(tls.vhost ? { servername: tls.vhost } : {}),
    ...(tls.minVersion ? { minVersion: tls.minVersion as ConnectionOptions['minVersion'] } : {}),
    ...(tls.maxVersion ? { maxVersion: tls.maxVersion as ConnectionOptions['maxVersion'] } : {}),
    ...(tls.ciphers ? { ciphers: tls.ciphers } : {}),
  };
}
