import { atLocation, parseBoolean, splitQuoted } from '@tributary/base';
import { compileRecordTemplate, CoreError, isStaticTemplate, type Property, type RecordTemplate, type TlsSettings } from '@tributary/core';

/** Where and how one chunk is forwarded: the instance's own settings, or one `[NODE]`'s. */
export interface ForwardTarget {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly unixPath: string | undefined;
  readonly tls: TlsSettings | undefined;
  readonly timeAsInteger: boolean;
  readonly sendOptions: boolean;
  readonly requireAck: boolean;
  readonly gzip: boolean;
  /** The secure-forward shared key (`Shared_Key`, or '' with `Empty_Shared_Key`); undefined: no handshake. */
  readonly sharedKey: string | undefined;
  readonly selfHostname: string;
  readonly username: string;
  readonly password: string;
  /** The outgoing tag (`Tag`: `$TAG`, `$TAG[n]`, `$key['sub']` of each record); undefined keeps the chunk's. */
  readonly tag: RecordTemplate | undefined;
  /** A `Tag` made from record keys sends each record on its own: Fluent Bit's Message mode. */
  readonly messageMode: boolean;
  readonly retainMetadata: boolean;
  readonly extraOptions: ReadonlyArray<readonly [string, string]>;
}

/** The forward settings a target is made of, as text (an instance's typed config, or a node's properties). */
export interface ForwardSettingsText {
  readonly time_as_integer?: boolean;
  readonly send_options?: boolean;
  readonly require_ack_response?: boolean;
  readonly compress?: string;
  readonly shared_key?: string;
  readonly empty_shared_key?: boolean;
  readonly self_hostname?: string;
  readonly username?: string;
  readonly password?: string;
  readonly tag?: string;
  readonly retain_metadata_in_forward_mode?: boolean;
  readonly add_option?: readonly string[];
}

/** A forward target from settings, checked as out_forward's `forward_config_init` checks them. */
export function forwardTarget(
  name: string,
  address: { host: string; port: number; unixPath?: string | undefined; tls?: TlsSettings | undefined },
  settings: ForwardSettingsText,
  instance: string,
): ForwardTarget {
  const compress = settings.compress?.toLowerCase();
  if (compress !== undefined && compress !== 'gzip' && compress !== 'text') {
    throw new CoreError('INVALID_PROPERTY', `${instance}: invalid compress mode '${settings.compress}': use gzip, or text for none.`);
  }
  const gzip = compress === 'gzip';
  const timeAsInteger = settings.time_as_integer ?? false;
  if (gzip && timeAsInteger) throw new CoreError('INVALID_PROPERTY', `${instance}: compress gzip cannot be used with time_as_integer on (Fluentd 0.12 takes neither).`);
  const sharedKey = settings.shared_key ?? (settings.empty_shared_key ? '' : undefined);
  if (sharedKey === undefined && (settings.username || settings.password)) {
    throw new CoreError('INVALID_PROPERTY', `${instance}: username and password are sent in the secure-forward handshake: set shared_key (or empty_shared_key on) too.`);
  }
  const messageMode = settings.tag !== undefined && !isStaticTemplate(settings.tag);
  if (gzip && messageMode) throw new CoreError('INVALID_PROPERTY', `${instance}: compress gzip cannot be used with a Tag made from record keys (each record is then sent on its own).`);
  const requireAck = settings.require_ack_response ?? false;
  const extraOptions = (settings.add_option ?? []).map((text) => {
    const parts = splitQuoted(text, 1);
    if (parts === undefined || parts.length !== 2) throw new CoreError('INVALID_PROPERTY', `${instance}: add_option '${text}' needs a key and a value.`);
    return [parts[0]!, parts[1]!] as const;
  });
  return {
    name,
    host: address.host,
    port: address.port,
    unixPath: address.unixPath,
    tls: address.tls?.enabled ? address.tls : undefined,
    timeAsInteger,
    requireAck,
    gzip,
    sendOptions: (settings.send_options ?? false) || requireAck || gzip || extraOptions.length > 0,
    sharedKey,
    selfHostname: settings.self_hostname ?? 'localhost',
    username: settings.username ?? '',
    password: settings.password ?? '',
    tag: settings.tag === undefined ? undefined : compileRecordTemplate(settings.tag),
    messageMode,
    retainMetadata: settings.retain_metadata_in_forward_mode ?? true,
    extraOptions,
  };
}

const NODE_BOOLEANS = ['time_as_integer', 'send_options', 'require_ack_response', 'empty_shared_key', 'retain_metadata_in_forward_mode'] as const;
const NODE_STRINGS = ['compress', 'shared_key', 'self_hostname', 'username', 'password', 'tag'] as const;

/**
 * The settings of one upstream `[NODE]`: in Fluent Bit's HA mode they come from the node only, an
 * unset boolean is false (`retain_metadata_in_forward_mode` included). A key out_forward does not
 * read from a node is an error naming it.
 */
export function nodeSettings(properties: readonly Property[], instance: string): { settings: ForwardSettingsText; tls: Property[] } {
  const settings: Record<string, unknown> = { retain_metadata_in_forward_mode: false };
  const tls: Property[] = [];
  for (const property of properties) {
    const key = property.key.toLowerCase();
    if (key === 'tls' || key.startsWith('tls.')) tls.push(property);
    else if ((NODE_BOOLEANS as readonly string[]).includes(key)) {
      const value = parseBoolean(property.value);
      if (value === undefined) throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: node property '${property.key}' expects on or off, not '${property.value}'.`));
      settings[key] = value;
    } else if ((NODE_STRINGS as readonly string[]).includes(key)) settings[key] = property.value;
    else throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: '${property.key}' is not a node property out_forward reads. Node properties: ${[...NODE_BOOLEANS, ...NODE_STRINGS].join(', ')}, tls.*.`));
  }
  return { settings: settings as ForwardSettingsText, tls };
}
