/**
 * A decoded or structured-cloned value with every Uint8Array made a Buffer again (the standard
 * decoder and `postMessage` give plain Uint8Arrays), as plugins and tests expect Node's bytes.
 */
export function withBuffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(withBuffers);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = withBuffers(item);
    return out;
  }
  return value;
}
