import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A glob pattern as a RegExp over one path segment (`*`, `?`, `[...]`), or over a whole path (`fnmatch` without FNM_PATHNAME). */
function patternToRegExp(pattern: string, wholePath: boolean): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += wholePath ? '.*' : '[^/]*';
    else if (c === '?') out += wholePath ? '.' : '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * `glob(3)` as in_tail calls it (`GLOB_TILDE`, no braces, `**` as `*`): the regular files
 * and other entries a pattern names, sorted; `*` does not match a leading dot.
 */
export function expandGlob(pattern: string): string[] {
  const expanded = pattern.startsWith('~/') || pattern === '~' ? join(homedir(), pattern.slice(1)) : pattern;
  if (!/[*?[]/.test(expanded)) {
    try {
      statSync(expanded);
      return [expanded];
    } catch {
      return [];
    }
  }
  const absolute = expanded.startsWith('/');
  const segments = expanded.split('/').filter((segment) => segment !== '');
  let bases = [absolute ? '/' : ''];
  for (const segment of segments) {
    if (!/[*?[]/.test(segment)) {
      bases = bases.map((base) => (base === '' ? segment : join(base, segment)));
      continue;
    }
    const matcher = patternToRegExp(segment, false);
    const next: string[] = [];
    for (const base of bases) {
      let entries: string[];
      try {
        entries = readdirSync(base === '' ? '.' : base);
      } catch {
        continue;
      }
      for (const entry of entries.sort()) {
        if (entry.startsWith('.') && !segment.startsWith('.')) continue;
        if (matcher.test(entry)) next.push(base === '' ? entry : join(base, entry));
      }
    }
    bases = next;
  }
  return bases.sort();
}

/** `fnmatch(pattern, path, 0)`: `*` matches `/` too, so `*.gz` excludes `/var/log/a.gz`. */
export function pathMatcher(pattern: string): (path: string) => boolean {
  const regex = patternToRegExp(pattern.trim(), true);
  return (path) => regex.test(path);
}
