/**
 * LTSV (`flb_parser_ltsv.c`): `label:value` fields separated by TAB; labels are
 * `[0-9A-Za-z_.-]+`, values any bytes but TAB, CR, LF and NUL. Returns the fields, or undefined
 * when a field is malformed or there are none.
 */
export function parseLtsv(line: string): Array<[string, string]> | undefined {
  const end = line.search(/[\r\n]/);
  const text = end < 0 ? line : line.slice(0, end);
  if (text === '') return undefined;
  const fields: Array<[string, string]> = [];
  for (const field of text.split('\t')) {
    const match = /^([0-9A-Za-z_.-]+):([^\0]*)$/.exec(field);
    if (!match) return undefined;
    fields.push([match[1]!, match[2]!]);
  }
  return fields;
}
