import { randomBytes } from 'node:crypto';
import { sha512Hex } from '@tributary/base';
import { MsgpackWriter } from '@tributary/msgpack';

/** The secure-forward settings of an in_forward instance. */
export interface ForwardSecurity {
  readonly sharedKey: string;
  readonly selfHostname: string;
  /** username → password; empty when users are not authenticated. */
  readonly users: ReadonlyMap<string, string>;
}

/**
 * One connection's side of Fluentd's secure-forward handshake (Forward protocol v1), as Fluent
 * Bit's `fw_prot.c` does it: a HELO with a 16-byte nonce and auth salt (as msgpack str), a PING
 * whose shared-key digest and (with users) password digest are checked, and a PONG with the
 * server's digest — or a refusal.
 */
export class ForwardHandshake {
  // 16 random bytes as Fluent Bit sends them (msgpack str), but drawn from printable ASCII: a
  // client that decodes str as UTF-8 text (as the JavaScript and Ruby clients do) then hashes
  // exactly the bytes we hash, which raw random bytes would not survive.
  private readonly nonce = printableSalt();
  private readonly authSalt = printableSalt();

  constructor(private readonly security: ForwardSecurity) {}

  /** `["HELO", {"nonce": <16 bytes>, "auth": <16 bytes>}]`. */
  helo(): Uint8Array {
    const writer = new MsgpackWriter(64);
    writer.writeArrayHeader(2);
    writer.writeString('HELO');
    writer.writeMapHeader(2);
    writer.writeString('nonce');
    writer.writeStringBytes(this.nonce);
    writer.writeString('auth');
    writer.writeStringBytes(this.security.users.size > 0 ? this.authSalt : Buffer.alloc(0));
    return Uint8Array.from(writer.bytes());
  }

  /**
   * Checks a PING (`["PING", hostname, salt, digest, username, password digest]`) and returns
   * the PONG to send and whether the connection may go on; undefined when the shared key does not
   * match (the connection is closed without a PONG).
   */
  answer(ping: unknown): { pong: Uint8Array | undefined; ok: boolean; reason?: string } {
    if (!Array.isArray(ping) || ping.length !== 6 || ping[0] !== 'PING' || !ping.every((item) => typeof item === 'string' || item instanceof Uint8Array)) {
      return { pong: undefined, ok: false, reason: 'the first message is not a PING' };
    }
    const [, hostname, salt, digest, username, passwordDigest] = ping.map((item) => (typeof item === 'string' ? Buffer.from(item, 'utf8') : Buffer.from(item as Uint8Array)));
    const expected = sha512Hex(salt!, hostname!, this.nonce, this.security.sharedKey);
    if (digest!.toString('latin1').slice(0, 128) !== expected) return { pong: undefined, ok: false, reason: 'shared key mismatch' };
    if (this.security.users.size > 0) {
      const password = this.security.users.get(username!.toString('utf8'));
      const given = passwordDigest!.toString('latin1');
      if (password === undefined || given.length !== 128 || given !== sha512Hex(this.authSalt, username!, password)) {
        return { pong: pong(false, 'username/password mismatch', '', ''), ok: false, reason: `username/password mismatch for '${username!.toString('utf8')}'` };
      }
    }
    return { pong: pong(true, '', this.security.selfHostname, sha512Hex(salt!, this.security.selfHostname, this.nonce, this.security.sharedKey)), ok: true };
  }
}

function printableSalt(): Buffer {
  return Buffer.from(randomBytes(12).toString('base64'), 'latin1');
}

function pong(ok: boolean, reason: string, hostname: string, digest: string): Uint8Array {
  const writer = new MsgpackWriter(256);
  writer.writeArrayHeader(5);
  writer.writeString('PONG');
  writer.writeBool(ok);
  writer.writeString(reason);
  writer.writeString(hostname);
  writer.writeString(digest);
  return Uint8Array.from(writer.bytes());
}
