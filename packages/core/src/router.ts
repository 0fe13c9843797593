import { createRouteMatcher, type RouteSpec } from './match.js';
import { TagCache } from './tag-cache.js';

/** The outputs of a pipeline as the router sees them. */
export interface Routable {
  readonly matches: (tag: string) => boolean;
}

/**
 * Fluent Bit's router: which outputs a chunk's tag selects, by each output's Match /
 * Match_Regex. Answers are cached per tag, since every chunk of a tag goes the same way.
 */
export class Router<O extends Routable> {
  private readonly cache: TagCache<readonly O[]>;

  constructor(outputs: readonly O[]) {
    this.cache = new TagCache((tag) => outputs.filter((output) => output.matches(tag)));
  }

  routes(tag: string): readonly O[] {
    return this.cache.get(tag);
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
