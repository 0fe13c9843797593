/** `Decode_Field` merges a decoded JSON object into the record; `Decode_Field_As` replaces the field. */
export interface DecodeRule {
  readonly decoder: 'json' | 'escaped' | 'escaped_utf8' | 'mysql_quoted';
  readonly field: string;
  /** `Decode_Field_As` (replace in place) rather than `Decode_Field` (merge a JSON object's keys). */
  readonly as: boolean;
  /** `try_next`: on failure, go on with the next rule of the field; `do_next`: go on after success too. */
  readonly action: 'try_next' | 'do_next' | undefined;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '"': '"', "'": "'", '\\': '\\', '/': '/' };

/**
 * Applies the decoders of `Decode_Field[_As]` to string values of top-level keys, as
 * `flb_parser_decoder.c`: rules of one field run in order until one succeeds (a failed rule
 * ends the field's rules unless it says `try_next`; a successful one ends them unless it says
 * `do_next`). String decoders only replace (`_As`).
 */
export function applyDecoders(record: Record<string, unknown>, rules: readonly DecodeRule[]): void {
  const byField = new Map<string, DecodeRule[]>();
  for (const rule of rules) byField.set(rule.field, [...(byField.get(rule.field) ?? []), rule]);
  for (const [field, fieldRules] of byField) {
    for (const rule of fieldRules) {
      const value = record[field];
      const ok = typeof value === 'string' && decodeOne(record, rule, value);
      if (ok ? rule.action !== 'do_next' : rule.action !== 'try_next' && rule.action !== 'do_next') break;
    }
  }
}

function decodeOne(record: Record<string, unknown>, rule: DecodeRule, value: string): boolean {
  if (rule.decoder === 'json') {
    const trimmed = value.trimStart();
    if (trimmed[0] !== '{' && trimmed[0] !== '[') return false;
    let decoded: unknown;
    try {
      decoded = JSON.parse(trimmed);
    } catch {
      return false;
    }
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return false;
    if (rule.as) record[rule.field] = decoded;
    else Object.assign(record, decoded);
    return true;
  }
  if (!rule.as) return false; // string decoders only replace
  if (rule.decoder === 'mysql_quoted') {
    const quoted = /^(["'])(.*)\1$/s.exec(value);
    record[rule.field] = quoted ? unescape(quoted[2]!, false) : value;
    return true;
  }
  record[rule.field] = unescape(value, rule.decoder === 'escaped_utf8');
  return true;
}

function unescape(text: string, utf8: boolean): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/gs, (match, escape: string) => {
    if (escape.length === 5) return utf8 ? String.fromCharCode(Number.parseInt(escape.slice(1), 16)) : match;
    return ESCAPES[escape] ?? escape;
  });
}
