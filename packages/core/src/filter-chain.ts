/**
 * The filter stage between an input's append and its chunk, as Fluent Bit runs filters on what
 * an input appended before it reaches a chunk. When no filter's Match selects a tag, records
 * are written straight into the chunk and the chain costs nothing.
 */
export interface FilterChain {
  /** Whether any filter applies to records under `tag`. */
  matches(tag: string): boolean;
  /**
   * Runs the filters in config order on one record appended under `tag` (v2 event bytes) and
   * calls `emit` for each record that comes out: none (dropped), the same, a changed one, or
   * several. A filter that re-tags (rewrite_tag) re-enters the pipeline itself, through its
   * own emitter input.
   */
  run(tag: string, record: Uint8Array, emit: (record: Uint8Array) => void): void;
}
