/**
 * Finds where each top-level JSON value ends in a stream of concatenated values (whitespace
 * between them allowed), as Fluent Bit's streaming JSON state does for `tcp` and `stdin`:
 * `push` takes the next bytes and calls `onValue` with each complete value's bytes; an
 * incomplete value waits for more. It only measures (strings, escapes, nesting); the values
 * themselves are parsed by the caller, who also decides what invalid JSON costs. A pushed
 * chunk may be kept (not copied) until its values are out: do not reuse it.
 */
export class JsonStreamSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  /** Resumable scan state over `buffer`. */
  private scanned = 0;
  private start = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scalar = false;

  constructor(private readonly maxBytes: number) {}

  /** Bytes held for a value not complete yet. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Drops what is held (after invalid JSON, as Fluent Bit resets its state). */
  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.scanned = 0;
    this.start = -1;
    this.depth = 0;
    this.inString = this.escaped = this.scalar = false;
  }

  /** Returns false (and drops the buffer) when a value grows past `maxBytes`. */
  push(chunk: Uint8Array, onValue: (bytes: Buffer) => void): boolean {
    // A socket's or stream's chunk is never reused, so an empty buffer can take it as it is.
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.buffer, chunk]);
    const bytes = this.buffer;
    let consumed = 0;
    for (let i = this.scanned; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.start < 0) {
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
          consumed = i + 1;
          continue;
        }
        this.start = i;
        this.depth = 0;
        this.scalar = b !== 0x7b && b !== 0x5b && b !== 0x22;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x22) {
          this.inString = false;
          if (this.depth === 0) this.emit(i + 1, onValue, () => (consumed = i + 1));
        }
        continue;
      }
      if (this.scalar) {
        // A bare number, true, false or null ends at whitespace or where another value starts.
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x7b || b === 0x5b || b === 0x22) {
          this.emit(i, onValue, () => (consumed = i));
          i--; // look at this byte again as the start of what follows
        }
        continue;
      }
      if (b === 0x22) this.inString = true;
      else if (b === 0x7b || b === 0x5b) this.depth++;
      else if (b === 0x7d || b === 0x5d) {
        this.depth--;
        if (this.depth <= 0) this.emit(i + 1, onValue, () => (consumed = i + 1));
      }
    }
    this.scanned = bytes.length;
    if (consumed > 0) {
      this.buffer = bytes.subarray(consumed);
      this.scanned -= consumed;
      if (this.start >= 0) this.start -= consumed;
    }
    if (this.buffer.length > this.maxBytes) {
      this.reset();
      return false;
    }
    return true;
  }

  private emit(end: number, onValue: (bytes: Buffer) => void, consumed: () => void): void {
    onValue(this.buffer.subarray(this.start, end));
    this.start = -1;
    this.scalar = false;
    consumed();
  }
}
