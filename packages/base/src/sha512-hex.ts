import { createHash } from 'node:crypto';

/** The SHA-512 digest of the parts, one after the other, in lowercase hex (the Forward protocol's handshake digests). */
export function sha512Hex(...parts: ReadonlyArray<string | Uint8Array>): string {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
