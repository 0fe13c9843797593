import { CoreError } from './errors.js';
import { RecordMap } from './record-map.js';

/** One step into a record: a map key or an array index. */
type Step = string | number;

/** A compiled record accessor: the value at its path in a record (an object or a filter's RecordMap), or undefined. */
export interface RecordAccessor {
  readonly pattern: string;
  get(record: unknown): unknown;
  /** The value when it is a string, as Fluent Bit's regex matching takes one (anything else: undefined). */
  text(record: unknown): string | undefined;
}

/**
 * Fluent Bit's record accessor (`src/flb_record_accessor.c`) for one key path: `$key`,
 * `$key['sub']["other"][0]`. A pattern without the `$` is read as `$pattern`. Anything else
 * (several keys, `$TAG`, regex captures) is refused with the pattern named.
 */
export function compileRecordAccessor(pattern: string): RecordAccessor {
  const text = pattern.startsWith('$') ? pattern.slice(1) : pattern;
  const head = /^[^[\]$'"\s]+/.exec(text);
  if (!head) throw new CoreError('INVALID_PROPERTY', `'${pattern}' is not a record accessor: write $key or $key['sub'][0].`);
  const steps: Step[] = [head[0]];
  let remaining = text.slice(head[0].length);
  while (remaining.length > 0) {
    const step = /^\[(?:'([^']*)'|"([^"]*)"|(\d+))\]/.exec(remaining);
    if (!step) throw new CoreError('INVALID_PROPERTY', `'${pattern}' is not a record accessor: after $${head[0]} only ['key'] or [index] may follow.`);
    steps.push(step[3] !== undefined ? Number(step[3]) : (step[1] ?? step[2])!);
    remaining = remaining.slice(step[0].length);
  }
  const [first, ...rest] = steps as [string, ...Step[]];
  const get = (record: unknown): unknown => {
    let value: unknown;
    if (record instanceof RecordMap) value = record.get(first);
    else if (typeof record === 'object' && record !== null && !Array.isArray(record)) value = (record as Record<string, unknown>)[first];
    else return undefined;
    for (const step of rest) {
      if (typeof step === 'number' ? !Array.isArray(value) : typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      value = (value as Record<string | number, unknown>)[step];
    }
    return value;
  };
  return {
    pattern,
    get,
    text(record) {
      if (rest.length === 0 && record instanceof RecordMap) return record.text(first);
      const value = get(record);
      return typeof value === 'string' ? value : undefined;
    },
  };
}
