import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CoreError } from '@tributary/core';

/** `oauth2.*` of an output, as Fluent Bit's `flb_oauth2` reads them (client credentials). */
export interface OAuth2Settings {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string | undefined;
  readonly audience: string | undefined;
  readonly resource: string | undefined;
  /** `basic`: the client in an Authorization header; `post`: in the form body. */
  readonly authMethod: 'basic' | 'post';
  readonly userAgent: string | undefined;
  /** Seconds before expiry a token is refreshed (`oauth2.refresh_skew_seconds`, 60). */
  readonly refreshSkew: number;
  /** Seconds a token request may take; 0 is no limit (`oauth2.timeout`). */
  readonly timeout: number;
}

/** The `oauth2.*` properties out_http declares, with Fluent Bit's defaults. */
export const OAUTH2_CONFIG = {
  'oauth2.enable': { type: 'bool', default: 'false', description: 'Bearer tokens from an OAuth2 client-credentials grant on every request' },
  'oauth2.token_url': { type: 'string', description: 'the token endpoint (http:// or https://)' },
  'oauth2.client_id': { type: 'string', description: 'the client id' },
  'oauth2.client_secret': { type: 'string', description: 'the client secret' },
  'oauth2.user_agent': { type: 'string', description: 'User-Agent of token requests' },
  'oauth2.scope': { type: 'string', description: 'scope of the grant' },
  'oauth2.audience': { type: 'string', description: 'audience of the grant' },
  'oauth2.resource': { type: 'string', description: 'resource of the grant' },
  'oauth2.auth_method': { type: 'string', default: 'basic', description: 'basic (Authorization header) or post (form body)' },
  'oauth2.refresh_skew_seconds': { type: 'int', default: '60', description: 'seconds before expiry a token is refreshed' },
  'oauth2.timeout': { type: 'time', default: '0s', description: 'longest token request; 0 is no limit' },
} as const;

/** The resolved `oauth2.*` values, as the config map gives them. */
interface OAuth2Config {
  'oauth2.enable': boolean;
  'oauth2.token_url'?: string | undefined;
  'oauth2.client_id'?: string | undefined;
  'oauth2.client_secret'?: string | undefined;
  'oauth2.user_agent'?: string | undefined;
  'oauth2.scope'?: string | undefined;
  'oauth2.audience'?: string | undefined;
  'oauth2.resource'?: string | undefined;
  'oauth2.auth_method': string;
  'oauth2.refresh_skew_seconds': number;
  'oauth2.timeout': number;
}

/** The OAuth2 settings of an output, or undefined when `oauth2.enable` is off; a CoreError names what is missing. */
export function oauth2Settings(name: string, config: OAuth2Config): OAuth2Settings | undefined {
  if (!config['oauth2.enable']) return undefined;
  const method = config['oauth2.auth_method'].toLowerCase();
  if (method === 'private_key_jwt') throw new CoreError('INVALID_PROPERTY', `${name}: oauth2.auth_method private_key_jwt is not supported by Tributary: use basic or post.`);
  if (method !== 'basic' && method !== 'post') throw new CoreError('INVALID_PROPERTY', `${name}: oauth2.auth_method is basic, post or private_key_jwt, not '${config['oauth2.auth_method']}'.`);
  const tokenUrl = config['oauth2.token_url'];
  if (tokenUrl === undefined || !/^https?:\/\//i.test(tokenUrl)) throw new CoreError('INVALID_PROPERTY', `${name}: oauth2.enable needs oauth2.token_url, an http:// or https:// URL of the token endpoint.`);
  const clientId = config['oauth2.client_id'];
  const clientSecret = config['oauth2.client_secret'];
  if (clientId === undefined || clientSecret === undefined) throw new CoreError('INVALID_PROPERTY', `${name}: oauth2.auth_method ${method} needs oauth2.client_id and oauth2.client_secret.`);
  return {
    tokenUrl,
    clientId,
    clientSecret,
    scope: config['oauth2.scope'],
    audience: config['oauth2.audience'],
    resource: config['oauth2.resource'],
    authMethod: method,
    userAgent: config['oauth2.user_agent'],
    refreshSkew: config['oauth2.refresh_skew_seconds'] > 0 ? config['oauth2.refresh_skew_seconds'] : 60,
    timeout: config['oauth2.timeout'],
  };
}

/**
 * An OAuth2 client-credentials token, as Fluent Bit's `flb_oauth2` keeps it: fetched on first
 * use (`grant_type=client_credentials`, with scope, audience and resource when set, the client
 * authenticated by Basic auth or in the body), kept until `refresh_skew` seconds before it
 * expires (its `expires_in` less a tenth), fetched again when forced (a 401). Concurrent
 * requests share one fetch.
 */
export class OAuth2Token {
  private token: string | undefined;
  private expiresAt = 0;
  private pending: Promise<string> | undefined;

  constructor(private readonly settings: OAuth2Settings) {}

  /** A valid access token; `refresh` fetches a new one whatever the cached one's expiry. */
  get(refresh = false): Promise<string> {
    if (!refresh && this.token !== undefined && Date.now() / 1000 < this.expiresAt - this.settings.refreshSkew) return Promise.resolve(this.token);
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  invalidate(): void {
    this.token = undefined;
    this.expiresAt = 0;
  }

  private async fetch(): Promise<string> {
    const { settings } = this;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (settings.scope !== undefined) form.set('scope', settings.scope);
    if (settings.audience !== undefined) form.set('audience', settings.audience);
    if (settings.resource !== undefined) form.set('resource', settings.resource);
    if (settings.authMethod === 'post') {
      form.set('client_id', settings.clientId);
      form.set('client_secret', settings.clientSecret);
    }
    const body = Buffer.from(form.toString());
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) };
    if (settings.userAgent !== undefined) headers['User-Agent'] = settings.userAgent;
    if (settings.authMethod === 'basic') headers.Authorization = `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`;
    const url = new URL(settings.tokenUrl);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers, ...(settings.timeout > 0 ? { timeout: settings.timeout * 1000 } : {}) }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${settings.timeout} s (oauth2.timeout)`)));
      req.on('error', reject);
      req.end(body);
    }).catch((error: Error) => {
      throw new Error(`[oauth2] cannot get a token from ${settings.tokenUrl}: ${error.message}`);
    });
    if (status !== 200) throw new Error(`[oauth2] the token endpoint ${settings.tokenUrl} answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    let answer: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new Error(`[oauth2] the token endpoint ${settings.tokenUrl} answered something that is not JSON`);
    }
    const expiresIn = Number(answer.expires_in);
    const lifetime = expiresIn - Math.floor(expiresIn / 10);
    if (typeof answer.access_token !== 'string' || typeof answer.token_type !== 'string' || !(lifetime > settings.refreshSkew)) {
      throw new Error(`[oauth2] the token endpoint ${settings.tokenUrl} answered without access_token, token_type or an expires_in past oauth2.refresh_skew_seconds`);
    }
    this.token = answer.access_token;
    this.expiresAt = Date.now() / 1000 + lifetime;
    return this.token;
  }
}
