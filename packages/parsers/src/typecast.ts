/** A `Types` entry's type: Fluent Bit's `flb_parser_typecast` (anything unknown is string). */
export type FieldType = 'integer' | 'bool' | 'float' | 'hex' | 'string';

/** `Types key:type key:type ...` as a map from key to type. */
export function parseTypes(text: string): Map<string, FieldType> {
  const types = new Map<string, FieldType>();
  for (const entry of text.trim().split(/\s+/)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) continue;
    const type = entry.slice(colon + 1).toLowerCase();
    types.set(entry.slice(0, colon), type === 'integer' || type === 'bool' || type === 'float' || type === 'hex' ? type : 'string');
  }
  return types;
}

/**
 * Casts a string value as Fluent Bit does: integer like `atoll` (leading digits, else 0), hex
 * like `strtoull(…, 16)`, float like `atof`, bool from a `true`/`false` prefix (else the string
 * stays, and Fluent Bit warns).
 */
export function typecast(value: string, type: FieldType): string | number | bigint | boolean {
  switch (type) {
    case 'integer': {
      const digits = /^\s*[+-]?\d+/.exec(value)?.[0].trim() ?? '0';
      const big = BigInt(digits);
      return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
    }
    case 'hex': {
      const digits = /^\s*(?:0x)?([0-9a-fA-F]+)/i.exec(value)?.[1];
      if (digits === undefined) return 0;
      const big = BigInt(`0x${digits}`);
      return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    case 'float': {
      const number = Number.parseFloat(value);
      return Number.isNaN(number) ? 0 : number;
    }
    case 'bool': {
      const lower = value.toLowerCase();
      if (lower.startsWith('true')) return true;
      if (lower.startsWith('false')) return false;
      return value;
    }
    default:
      return value;
  }
}
