import { JsonBytePacker, MsgpackWriter } from '@tributary/msgpack';

/** Called with each complete value: its msgpack (valid only during the call), its first byte, and its JSON bytes. */
export type JsonValueHandler = (packed: Buffer, first: number, json: Buffer) => void;

/**
 * Packs a stream of concatenated JSON values (whitespace between them allowed), as Fluent Bit's
 * streaming JSON state does for `tcp`, `stdin` and HTTP bodies: `push` takes the next bytes and
 * packs each complete value in one pass over them; a value the bytes cut short waits for more.
 * Invalid JSON throws, leaving what is pending for the caller to report and `reset`. A pushed
 * chunk may be kept (not copied) until its values are out: do not reuse it.
 */
export class JsonStream {
  private held: Buffer | undefined;
  private readonly packer = new JsonBytePacker();
  private readonly writer = new MsgpackWriter(1024);

  constructor(private readonly maxBytes: number) {}

  /** Bytes held: a value not complete yet, or after an error the bytes that were not packed. */
  get pending(): number {
    return this.held === undefined ? 0 : this.held.length;
  }

  /** Drops what is held (after invalid JSON, as Fluent Bit resets its state). */
  reset(): void {
    this.held = undefined;
  }

  /**
   * Packs every complete value of what is held and `chunk`. Returns false (and drops what is
   * held) when an incomplete value grows past `maxBytes`; throws a MsgpackFormatError at the
   * first invalid value, after the values before it were handled.
   */
  push(chunk: Uint8Array, onValue: JsonValueHandler): boolean {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const bytes = this.held === undefined ? view : Buffer.concat([this.held, view]);
    const end = bytes.length;
    let at = 0;
    while (at < end) {
      const c = bytes[at]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        at++;
        continue;
      }
      this.writer.reset();
      let next: number;
      try {
        next = this.packer.pack(bytes, at, end, this.writer);
      } catch (error) {
        this.held = bytes.subarray(at);
        throw error;
      }
      if (next < 0) break;
      onValue(this.writer.bytes(), c, bytes.subarray(at, next));
      at = next;
    }
    this.held = at < end ? bytes.subarray(at) : undefined;
    if (this.pending > this.maxBytes) {
      this.reset();
      return false;
    }
    return true;
  }
}
