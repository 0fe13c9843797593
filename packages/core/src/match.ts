/**
 * Fluent Bit's `Match`: a case-sensitive glob where only `*` is special (any run of
 * characters, empty included) and the whole tag must be consumed.
 */
export function matchTag(pattern: string, tag: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < tag.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.length && pattern[p] === tag[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The route of one output: `Match` glob and/or `Match_Regex`. */
export interface RouteSpec {
  readonly match?: string | undefined;
  readonly matchRegex?: string | undefined;
}

/**
 * Builds a tag predicate for an output. As in Fluent Bit the regex is tried first, anchored
 * at the start but not at the end, and the glob is the fallback; no rule matches nothing.
 */
export function createRouteMatcher(route: RouteSpec): (tag: string) => boolean {
  const regex = route.matchRegex === undefined ? undefined : new RegExp(`^(?:${route.matchRegex})`);
  const glob = route.match;
  return (tag) => (regex !== undefined && regex.test(tag)) || (glob !== undefined && matchTag(glob, tag));
}
