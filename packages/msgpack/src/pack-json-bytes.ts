import { MsgpackFormatError } from './msgpack-error.js';
import type { MsgpackWriter } from './msgpack-writer.js';

/** Deepest nesting packed; deeper JSON is refused rather than overflowing the stack. */
const MAX_DEPTH = 1000;

/** Thrown inside the packer when the bytes end within the value; caught by `pack`. */
const INCOMPLETE: unique symbol = Symbol('incomplete JSON');

/**
 * Packs JSON straight from UTF-8 bytes into msgpack, with the same result as `packJson` on the
 * decoded text (floats for numbers with `.` or an exponent, integers otherwise, key order kept),
 * in one pass and without decoding strings: a string with no escape is copied as its bytes, as
 * Fluent Bit's tokenizer does. Built for streams of concatenated values (`stdin`, `tcp`, HTTP
 * bodies): `pack` tells a value that the bytes cut short (-1) from one that is invalid (it
 * throws), so the caller can wait for more bytes. One packer serves any number of values.
 */
export class JsonBytePacker {
  private b: Buffer = Buffer.alloc(0);
  private i = 0;
  private end = 0;
  private origin = 0;
  private out!: MsgpackWriter;

  /**
   * Packs the value that starts at `bytes[at]` (whitespace before it skipped) and ends before
   * `end` into `out`. Returns the index just after it, or -1 when `end` comes first — also for a
   * top-level number, which more bytes could continue — with `out` as it was. Throws a
   * MsgpackFormatError (INVALID_JSON) naming the byte, counted from `at`, where it is invalid.
   */
  pack(bytes: Uint8Array, at: number, end: number, out: MsgpackWriter): number {
    this.b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.i = this.origin = at;
    this.end = end;
    this.out = out;
    const length = out.length;
    try {
      this.peek();
      const start = this.i;
      this.value(0);
      if (this.i >= end && isNumberStart(this.b[start]!)) throw INCOMPLETE;
      return this.i;
    } catch (error) {
      if (error !== INCOMPLETE) throw error;
      out.length = length;
      return -1;
    }
  }

  private fail(what: string): never {
    throw new MsgpackFormatError('INVALID_JSON', `invalid JSON at byte ${this.i - this.origin + 1}: ${what}`, this.i - this.origin);
  }

  /** The next byte that is not whitespace; the bytes ending first is INCOMPLETE. */
  private peek(): number {
    const b = this.b;
    let i = this.i;
    while (i < this.end) {
      const c = b[i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.i = i;
        return c;
      }
      i++;
    }
    this.i = i;
    throw INCOMPLETE;
  }

  private value(depth: number): void {
    const c = this.peek();
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (isNumberStart(c)) return this.number();
    if (c === 0x74) return this.literal(TRUE) && this.out.writeBool(true);
    if (c === 0x66) return this.literal(FALSE) && this.out.writeBool(false);
    if (c === 0x6e) return this.literal(NULL) && this.out.writeNil();
    this.fail(`unexpected '${String.fromCharCode(c)}'`);
  }

  private object(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    this.i++;
    const mark = this.out.beginContainer();
    let count = 0;
    if (this.peek() === 0x7d) this.i++;
    else {
      for (;;) {
        if (this.peek() !== 0x22) this.fail('expected a string key');
        this.string();
        if (this.peek() !== 0x3a) this.fail("expected ':'");
        this.i++;
        this.value(depth);
        count++;
        const c = this.peek();
        this.i++;
        if (c === 0x7d) break;
        if (c !== 0x2c) {
          this.i--;
          this.fail("expected ',' or '}'");
        }
      }
    }
    this.out.endMap(mark, count);
  }

  private array(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    this.i++;
    const mark = this.out.beginContainer();
    let count = 0;
    if (this.peek() === 0x5d) this.i++;
    else {
      for (;;) {
        this.value(depth);
        count++;
        const c = this.peek();
        this.i++;
        if (c === 0x5d) break;
        if (c !== 0x2c) {
          this.i--;
          this.fail("expected ',' or ']'");
        }
      }
    }
    this.out.endArray(mark, count);
  }

  /** A string: its bytes copied when it has no escape, else decoded as JSON.parse does. */
  private string(): void {
    const b = this.b;
    const start = this.i;
    let escaped = false;
    for (let i = start + 1; i < this.end; i++) {
      const c = b[i]!;
      if (c === 0x5c) {
        escaped = true;
        i++;
      } else if (c === 0x22) {
        this.i = i + 1;
        if (!escaped) {
          this.out.writeStringHeader(i - start - 1);
          this.out.writeRawRange(b, start + 1, i);
          return;
        }
        let text: string;
        try {
          text = JSON.parse(b.toString('utf8', start, i + 1)) as string;
        } catch {
          this.i = start;
          this.fail('malformed string escape');
        }
        this.out.writeString(text);
        return;
      }
    }
    throw INCOMPLETE;
  }

  /** `-?\d+(\.\d+)?([eE][-+]?\d+)?`, as packJson reads it. */
  private number(): void {
    const b = this.b;
    const end = this.end;
    const start = this.i;
    let i = start;
    const negative = b[i] === 0x2d;
    if (negative) i++;
    const digits = i;
    let value = 0;
    while (i < end && isDigit(b[i]!)) value = value * 10 + (b[i++]! - 0x30);
    if (i === digits) {
      if (i >= end) throw INCOMPLETE;
      this.i = i;
      this.fail('malformed number');
    }
    let float = false;
    if (i < end && b[i] === 0x2e && i + 1 < end && isDigit(b[i + 1]!)) {
      float = true;
      i++;
      while (i < end && isDigit(b[i]!)) i++;
    }
    if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
      let e = i + 1;
      if (e < end && (b[e] === 0x2b || b[e] === 0x2d)) e++;
      if (e < end && isDigit(b[e]!)) {
        float = true;
        i = e;
        while (i < end && isDigit(b[i]!)) i++;
      }
    }
    // Bytes that end right after a `.`, an `e` or an exponent's sign could still continue the number.
    if (i + 1 === end && (b[i] === 0x2e || b[i] === 0x65 || b[i] === 0x45)) throw INCOMPLETE;
    if (i + 2 === end && (b[i] === 0x65 || b[i] === 0x45) && (b[i + 1] === 0x2b || b[i + 1] === 0x2d)) throw INCOMPLETE;
    this.i = i;
    if (float) return this.out.writeFloat64(Number(b.toString('latin1', start, i)));
    if (i - digits <= 15) return this.out.writeInteger(negative ? -value : value);
    const text = b.toString('latin1', start, i);
    const exact = Number(text);
    if (Number.isSafeInteger(exact)) return this.out.writeInteger(exact);
    // As strtoll/strtoull in Fluent Bit: int64 or uint64 while it fits, else a double.
    const big = BigInt(text);
    if (big >= -(2n ** 63n) && big < 2n ** 64n) this.out.writeBigInt(big);
    else this.out.writeFloat64(exact);
  }

  /** Reads `word` (true, false, null); returns true for the caller to write it. */
  private literal(word: readonly number[]): true {
    const b = this.b;
    for (let k = 0; k < word.length; k++) {
      const at = this.i + k;
      if (at >= this.end) throw INCOMPLETE;
      if (b[at] !== word[k]) {
        this.i = at;
        this.fail(`expected '${String.fromCharCode(...word)}'`);
      }
    }
    this.i += word.length;
    return true;
  }
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isNumberStart(c: number): boolean {
  return c === 0x2d || isDigit(c);
}
