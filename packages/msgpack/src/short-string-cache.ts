const SLOTS = 256;

/**
 * A small direct-mapped cache of short ASCII strings by their bytes. Protocol streams repeat the
 * same keys and method names in every message (`EventId`, `Data`, `Method` ...), and records
 * the same keys; returning the same string saves decoding and allocating it again.
 */
export class ShortStringCache {
  /** Strings up to this many bytes are cached. */
  static readonly MAX_BYTES = 24;
  private readonly keys: Array<Buffer | undefined> = new Array(SLOTS);
  private readonly values: Array<string | undefined> = new Array(SLOTS);

  private slot(bytes: Uint8Array, start: number, end: number): number {
    let hash = end - start;
    for (let i = start; i < end; i++) hash = (hash * 31 + bytes[i]!) | 0;
    return hash & (SLOTS - 1);
  }

  lookup(bytes: Uint8Array, start: number, end: number): string | undefined {
    const slot = this.slot(bytes, start, end);
    const key = this.keys[slot];
    const size = end - start;
    if (key === undefined || key.length !== size) return undefined;
    for (let i = 0; i < size; i++) if (key[i] !== bytes[start + i]) return undefined;
    return this.values[slot];
  }

  remember(bytes: Uint8Array, start: number, end: number, text: string): void {
    const slot = this.slot(bytes, start, end);
    this.keys[slot] = Buffer.from(bytes.subarray(start, end));
    this.values[slot] = text;
  }
}
