import { MsgpackFormatError } from './msgpack-error.js';
import { MsgpackWriter } from './msgpack-writer.js';

/**
 * Packs JSON text straight into msgpack as Fluent Bit's `flb_pack_json` does: numbers written
 * with a `.` or an exponent become float64, others integers (int64/uint64 beyond 2^53, a double
 * beyond those); key order is
 * kept. Containers are written with patched counts, in one pass. Throws a MsgpackFormatError
 * (INVALID_JSON) naming the position of the first syntax error. Returns a view of `writer`'s
 * bytes when no writer is given, a fresh one's.
 */
export function packJson(text: string, writer: MsgpackWriter = new MsgpackWriter(256)): Buffer {
  const packer = new JsonPacker(text, writer);
  packer.value();
  packer.whitespace();
  if (packer.at < text.length) packer.fail('unexpected text after the JSON value');
  return writer.bytes();
}

const NUMBER = /-?\d+(\.\d+)?([eE][-+]?\d+)?/y;

class JsonPacker {
  at = 0;
  constructor(
    private readonly text: string,
    private readonly out: MsgpackWriter,
  ) {}

  fail(what: string): never {
    throw new MsgpackFormatError('INVALID_JSON', `invalid JSON at character ${this.at + 1}: ${what}`, this.at);
  }

  whitespace(): void {
    const t = this.text;
    let c = t.charCodeAt(this.at);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.at);
  }

  value(): void {
    this.whitespace();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.out.writeString(this.string());
    if (c === 't') return this.literal('true', () => this.out.writeBool(true));
    if (c === 'f') return this.literal('false', () => this.out.writeBool(false));
    if (c === 'n') return this.literal('null', () => this.out.writeNil());
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    this.fail(c === undefined ? 'unexpected end' : `unexpected '${c}'`);
  }

  private literal(word: string, write: () => void): void {
    if (!this.text.startsWith(word, this.at)) this.fail(`expected '${word}'`);
    this.at += word.length;
    write();
  }

  private number(): void {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('malformed number');
    this.at += match[0].length;
    if (match[1] !== undefined || match[2] !== undefined) return this.out.writeFloat64(Number(match[0]));
    const value = Number(match[0]);
    if (Number.isSafeInteger(value)) return this.out.writeInteger(value);
    // As strtoll/strtoull in Fluent Bit: int64 or uint64 while it fits, else a double.
    const big = BigInt(match[0]);
    if (big >= -(2n ** 63n) && big < 2n ** 64n) this.out.writeBigInt(big);
    else this.out.writeFloat64(value);
  }

  string(): string {
    const start = this.at;
    const t = this.text;
    let escaped = false;
    for (let i = start + 1; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x5c) {
        escaped = true;
        i++;
      } else if (c === 0x22) {
        this.at = i + 1;
        if (!escaped) return t.slice(start + 1, i);
        try {
          return JSON.parse(t.slice(start, i + 1)) as string;
        } catch {
          this.at = start;
          this.fail('malformed string escape');
        }
      }
    }
    return this.fail('unterminated string');
  }

  private object(): void {
    this.container('}', (mark, count) => this.out.endMap(mark, count), () => {
      this.whitespace();
      if (this.text[this.at] !== '"') this.fail('expected a string key');
      this.out.writeString(this.string());
      this.whitespace();
      if (this.text[this.at] !== ':') this.fail("expected ':'");
      this.at++;
      this.value();
    });
  }

  private array(): void {
    this.container(']', (mark, count) => this.out.endArray(mark, count), () => this.value());
  }

  private container(close: '}' | ']', end: (mark: number, count: number) => void, item: () => void): void {
    this.at++;
    const mark = this.out.beginContainer();
    let count = 0;
    this.whitespace();
    if (this.text[this.at] === close) {
      this.at++;
    } else {
      for (;;) {
        item();
        count++;
        this.whitespace();
        const c = this.text[this.at++];
        if (c === close) break;
        if (c !== ',') {
          this.at--;
          this.fail(`expected ',' or '${close}'`);
        }
      }
    }
    end(mark, count);
  }
}
