/**
 * A file's tag from the instance's Tag (`tag_compose` in `in_tail/tail_file.c`): the path put in
 * place of the first `*`, then `/`, `\` and `:` turned into `.` (deleted at the start), runs of
 * `.` collapsed, other `*` deleted, a trailing `.` removed. With `tag_regex`, `<name>` becomes
 * that group's value (`_` when it did not match); undefined when the regex does not match.
 */
export function composeTag(tag: string, path: string, tagRegex?: RegExp): string | undefined {
  if (tagRegex) {
    const match = tagRegex.exec(path);
    if (!match) return undefined;
    return tag.replace(/<([^<>]+)>/g, (_, name: string) => match.groups?.[name] || '_');
  }
  const star = tag.indexOf('*');
  if (star < 0) return tag;
  const raw = tag.slice(0, star) + path + tag.slice(star + 1);
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    let c = raw[i]!;
    if (c === '/' || c === '\\' || c === ':') {
      if (i === 0) continue;
      c = '.';
    }
    if (c === '.' && out.endsWith('.')) continue;
    if (c === '*') continue;
    out += c;
  }
  return out.endsWith('.') ? out.slice(0, -1) : out;
}
