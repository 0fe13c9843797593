import { createRouteMatcher, type RouteSpec } from './match.js';

/** The outputs of a pipeline as the router sees them. */
export interface Routable {
  readonly matches: (tag: string) => boolean;
}

/** Tags seen at once before the cache starts over: tags built from file paths or records have no bound. */
const CACHE_LIMIT = 10_000;

/**
 * Fluent Bit's router: which outputs a chunk's tag selects, by each output's Match /
 * Match_Regex. Answers are cached per tag, since every chunk of a tag goes the same way.
 */
export class Router<O extends Routable> {
  private readonly cache = new Map<string, readonly O[]>();

  constructor(private readonly outputs: readonly O[]) {}

  routes(tag: string): readonly O[] {
    let routes = this.cache.get(tag);
    if (routes === undefined) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      routes = this.outputs.filter((output) => output.matches(tag));
      this.cache.set(tag, routes);
    }
    return routes;
  }
}

/**
 * An output's route: its Match rules, or — Fluent Bit's one exception — everything when the
 * pipeline has exactly one input and one output and the output names no Match. Undefined when
 * the output has no rule at all (it receives nothing).
 */
export function routeOf(spec: RouteSpec, loneInputAndOutput: boolean): ((tag: string) => boolean) | undefined {
  if (spec.match !== undefined || spec.matchRegex !== undefined) return createRouteMatcher(spec);
  return loneInputAndOutput ? () => true : undefined;
}
