import { compileRecordAccessor, type RecordAccessor } from './record-accessor.js';
import { EventTime, Float64 } from '@tributary/msgpack';

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'capture'; readonly group: number }
  | { readonly kind: 'tag' }
  | { readonly kind: 'tagPart'; readonly index: number }
  | { readonly kind: 'key'; readonly accessor: RecordAccessor };

/** A compiled record accessor template: the text it makes of a record, its tag and a regex match. */
export type RecordTemplate = (tag: string, body: unknown, captures: RegExpExecArray | null) => string;

/**
 * Fluent Bit's record accessor template (`flb_ra_create` / `flb_ra_translate`, used by
 * rewrite_tag's new tag): `$TAG`, `$TAG[n]` (the n-th dot-separated part), `$0`…`$9` (regex
 * captures; `$0` the whole match), `$key['sub'][0]` (a record value, the key ending at the
 * first `.`, space, `,` or `"` outside a subscript) and literal text around them.
 */
export function compileRecordTemplate(template: string): RecordTemplate {
  const parts = templateParts(template);
  return (tag, body, captures) => render(parts, tag, body, captures, false) ?? '';
}

/** A template that yields undefined when the record lacks a key it names (a key holding null is there). */
export type CheckedRecordTemplate = (tag: string, body: unknown) => string | undefined;

/** `flb_ra_translate_check`: a record template that fails, rather than printing nothing, for a missing key (out_file's dynamic Path and File). */
export function compileCheckedRecordTemplate(template: string): CheckedRecordTemplate {
  const parts = templateParts(template);
  return (tag, body) => render(parts, tag, body, null, true);
}

function render(parts: readonly Part[], tag: string, body: unknown, captures: RegExpExecArray | null, check: boolean): string | undefined {
  let out = '';
  for (const part of parts) {
    switch (part.kind) {
      case 'text': out += part.text; break;
      case 'tag': out += tag; break;
      case 'tagPart': out += tag.split('.')[part.index] ?? ''; break;
      case 'capture': out += captures?.[part.group] ?? ''; break;
      case 'key': {
        const value = part.accessor.get(body);
        if (value === undefined && check) return undefined;
        out += valueText(value);
        break;
      }
    }
  }
  return out;
}

/** Whether a template needs no record (only text, `$TAG` and `$TAG[n]`): Fluent Bit's `flb_ra_is_static`. */
export function isStaticTemplate(template: string): boolean {
  return templateParts(template).every((part) => part.kind === 'text' || part.kind === 'tag' || part.kind === 'tagPart');
}

function templateParts(template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  const flush = () => {
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  while (i < template.length) {
    const c = template[i]!;
    if (c !== '$') {
      literal += c;
      i++;
      continue;
    }
    const rest = template.slice(i + 1);
    const digits = /^\d+/.exec(rest);
    const tagPart = /^TAG\[(\d+)\]/.exec(rest);
    if (digits) {
      flush();
      // Fluent Bit consumes one digit but reads the group number from all of them ($10 is group 10, then '0').
      parts.push({ kind: 'capture', group: Number(digits[0]) });
      i += 2;
    } else if (tagPart) {
      flush();
      parts.push({ kind: 'tagPart', index: Number(tagPart[1]) });
      i += 1 + tagPart[0].length;
    } else if (rest.startsWith('TAG')) {
      flush();
      parts.push({ kind: 'tag' });
      i += 4;
    } else {
      const key = /^[^.\s,"[]+(?:\[(?:'(?:[^']|'')*'|"[^"]*"|\d+)\])*/.exec(rest);
      if (!key) {
        literal += c;
        i++;
        continue;
      }
      flush();
      parts.push({ kind: 'key', accessor: compileRecordAccessor(`$${key[0]}`) });
      i += 1 + key[0].length;
    }
  }
  flush();
  return parts;
}

/** A value as Fluent Bit's record accessor writes it into text; an array or a missing key is empty. */
function valueText(value: unknown): string {
  if (value === undefined || Array.isArray(value)) return '';
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(6);
  if (value instanceof Float64) return value.value.toFixed(6);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (value instanceof EventTime) return '';
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
  } catch {
    return '';
  }
}
