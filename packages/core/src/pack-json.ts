import { TributaryError } from './errors.js';
import { MsgpackWriter } from './msgpack-writer.js';

/**
 * Packs JSON text straight into msgpack as Fluent Bit's `flb_pack_json` does: numbers written
 * with a `.` or an exponent become float64, others integers; key order is kept. Throws a
 * TributaryError naming the position of the first syntax error.
 */
export function packJson(text: string, writer: MsgpackWriter = new MsgpackWriter(256)): Uint8Array {
  const parser = new JsonPacker(text, writer);
  parser.value();
  parser.whitespace();
  if (parser.at < text.length) parser.fail('unexpected text after the JSON value');
  return writer.bytes();
}

class JsonPacker {
  at = 0;
  constructor(
    private readonly text: string,
    private out: MsgpackWriter,
  ) {}

  fail(what: string): never {
    throw new TributaryError('INVALID_JSON', `invalid JSON at character ${this.at + 1}: ${what}`);
  }

  whitespace(): void {
    const t = this.text;
    while (this.at < t.length && (t[this.at] === ' ' || t[this.at] === '\n' || t[this.at] === '\r' || t[this.at] === '\t')) this.at++;
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
    const match = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.at, this.at + 400));
    if (!match) this.fail('malformed number');
    this.at += match[0].length;
    if (match[1] !== undefined || match[2] !== undefined) return this.out.writeFloat64(Number(match[0]));
    const value = Number(match[0]);
    if (Number.isSafeInteger(value)) this.out.writeInteger(value);
    else this.out.writeBigInt(BigInt(match[0]));
  }

  string(): string {
    const start = this.at;
    this.at++;
    const t = this.text;
    let escaped = false;
    while (this.at < t.length) {
      const c = t[this.at++];
      if (c === '\\') {
        escaped = true;
        this.at++;
      } else if (c === '"') {
        const raw = t.slice(start, this.at);
        if (!escaped) return raw.slice(1, -1);
        try {
          return JSON.parse(raw) as string;
        } catch {
          this.at = start;
          this.fail('malformed string escape');
        }
      }
    }
    this.at = start;
    return this.fail('unterminated string');
  }

  private object(): void {
    this.container('}', 'map', () => {
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
    this.container(']', 'array', () => this.value());
  }

  /**
   * An object or array: a msgpack header comes before its items, so the items go to a scratch
   * writer until they are counted (config JSON is small; this runs once per property, not per
   * record).
   */
  private container(close: '}' | ']', kind: 'map' | 'array', item: () => void): void {
    this.at++;
    const outer = this.out;
    const scratch = new MsgpackWriter(256);
    this.out = scratch;
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
    this.out = outer;
    if (kind === 'map') outer.writeMapHeader(count);
    else outer.writeArrayHeader(count);
    outer.writeRaw(scratch.bytes());
  }
}
