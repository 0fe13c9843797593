import { MsgpackReader } from '@tributary/msgpack';

/**
 * Writes one msgpack item as Fluent Bit's `flb_msgpack_to_json` does: integral floats as
 * `1.0`, others with 16 significant digits, non-ASCII escaped as `\uXXXX`, bin as a string,
 * ext as a string of its payload.
 */
export function msgpackToJson(reader: MsgpackReader): string {
  const kind = reader.next();
  switch (kind) {
    case 'nil': return 'null';
    case 'bool': return reader.value ? 'true' : 'false';
    case 'uint': case 'int': return String(reader.value);
    case 'float': return jsonNumber(reader.value as number);
    case 'str': return jsonString(reader.string() as string);
    case 'bin': case 'ext': return jsonString(reader.text());
    case 'array': {
      const size = reader.size;
      const items: string[] = [];
      for (let i = 0; i < size; i++) items.push(msgpackToJson(reader));
      return `[${items.join(',')}]`;
    }
    case 'map': {
      const size = reader.size;
      const items: string[] = [];
      for (let i = 0; i < size; i++) {
        const key = msgpackToJson(reader);
        items.push(`${key.startsWith('"') ? key : jsonString(key)}:${msgpackToJson(reader)}`);
      }
      return `{${items.join(',')}}`;
    }
  }
}

/** `%.1f` for integral values, else `%.16g`, as `msgpack2json`. */
export function jsonNumber(value: number): string {
  if (Number.isNaN(value) || !Number.isFinite(value)) return 'null';
  if (Number.isInteger(value)) return value.toFixed(1);
  const text = value.toPrecision(16);
  if (text.includes('e')) return text.replace(/\.?0+e/, 'e');
  // %g drops the zeros that end a fraction, and the point with them; an integer's digits stay.
  if (!text.includes('.')) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 0x30) end--;
  if (text.charCodeAt(end - 1) === 0x2e) end--;
  return end === text.length ? text : text.slice(0, end);
}

const NEEDS_ESCAPE = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;

/** A JSON string with Fluent Bit's escapes: control characters and non-ASCII as `\uXXXX`. */
export function jsonString(text: string): string {
  // Most strings need no escape at all: one regex test instead of a loop over every character.
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += text[i];
  }
  return `${out}"`;
}
