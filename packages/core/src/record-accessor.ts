import { CoreError } from './errors.js';

/** One step into a record: a map key or an array index. */
type Step = string | number;

/** A compiled record accessor: the value at its path in a record, or undefined. */
export interface RecordAccessor {
  readonly pattern: string;
  get(record: unknown): unknown;
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
  let rest = text.slice(head[0].length);
  while (rest.length > 0) {
    const step = /^\[(?:'([^']*)'|"([^"]*)"|(\d+))\]/.exec(rest);
    if (!step) throw new CoreError('INVALID_PROPERTY', `'${pattern}' is not a record accessor: after $${head[0]} only ['key'] or [index] may follow.`);
    steps.push(step[3] !== undefined ? Number(step[3]) : (step[1] ?? step[2])!);
    rest = rest.slice(step[0].length);
  }
  return {
    pattern,
    get(record) {
      let value: unknown = record;
      for (const step of steps) {
        if (typeof step === 'number' ? !Array.isArray(value) : typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
        value = (value as Record<string | number, unknown>)[step];
      }
      return value;
    },
  };
}
