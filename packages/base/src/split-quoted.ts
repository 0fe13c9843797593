/**
 * Fluent Bit's space-separated property values (`flb_utils_split_quoted`, `SLIST_N`): tokens
 * separated by ASCII spaces, a double-quoted token may hold spaces, and `\"` / `\\` inside
 * quotes stand for `"` / `\`. With `limit`, after that many tokens the rest of the text is
 * one more entry, as SLIST_N appends the remainder. Undefined for an unclosed quote.
 */
export function splitQuoted(text: string, limit = Infinity): string[] | undefined {
  const tokens: string[] = [];
  let i = 0;
  const skipSpaces = () => {
    while (text[i] === ' ') i++;
  };
  skipSpaces();
  while (i < text.length) {
    if (tokens.length === limit) {
      tokens.push(text.slice(i).trimEnd());
      break;
    }
    let token = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        const c = text[i]!;
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          token += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          token += c;
          i++;
        }
      }
    } else {
      const end = text.indexOf(' ', i);
      token = end < 0 ? text.slice(i) : text.slice(i, end);
      i = end < 0 ? text.length : end;
    }
    tokens.push(token);
    skipSpaces();
  }
  return tokens;
}
