/**
 * Fluent Bit's logfmt grammar (`flb_parser_logfmt.c`): `key[=value]` pairs separated by any
 * other bytes; keys are bytes above space other than `=` and `"`; a value is bare (same bytes)
 * or a double-quoted string with backslash escapes. A bare key, or `key=`, is `true`. Reading
 * stops at the first line break. Returns the pairs in order, or undefined when there are none
 * (or, with `noBareKeys`, when any key has no `=`).
 */
export function parseLogfmt(line: string, noBareKeys = false): Array<[string, string | true]> | undefined {
  const pairs: Array<[string, string | true]> = [];
  const isKey = (c: string | undefined) => c !== undefined && c > ' ' && c !== '=' && c !== '"' && c !== '\n' && c !== '\r';
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\n' || c === '\r') break;
    if (!isKey(c)) {
      i++;
      continue;
    }
    const start = i;
    while (isKey(line[i])) i++;
    const key = line.slice(start, i);
    if (line[i] !== '=') {
      if (noBareKeys) return undefined;
      pairs.push([key, true]);
      continue;
    }
    i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) {
          const next = line[++i]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
        } else value += line[i];
        i++;
      }
      i++;
      pairs.push([key, value]);
    } else {
      const valueStart = i;
      while (isKey(line[i])) i++;
      pairs.push([key, i === valueStart ? true : line.slice(valueStart, i)]);
    }
  }
  return pairs.length > 0 ? pairs : undefined;
}
