/** Tags seen at once before a cache starts over: tags built from file paths or records have no bound. */
const CACHE_LIMIT = 10_000;

/**
 * A per-tag answer computed once (which outputs a tag routes to, which filters select it):
 * every record or chunk of a tag gets the same one.
 */
export class TagCache<T> {
  private readonly answers = new Map<string, T>();

  constructor(private readonly compute: (tag: string) => T) {}

  get(tag: string): T {
    let answer = this.answers.get(tag);
    if (answer === undefined) {
      if (this.answers.size >= CACHE_LIMIT) this.answers.clear();
      answer = this.compute(tag);
      this.answers.set(tag, answer);
    }
    return answer;
  }
}
