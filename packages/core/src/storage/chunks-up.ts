import type { Chunk } from '../chunk.js';

/** What the count needs of an input buffer holding filesystem chunks. */
export interface ChunksUpHolder {
  /** `storage.pause_on_chunks_overlimit`: the input pauses at the limit instead of having its chunks put down. */
  readonly pausesOnChunksOverlimit: boolean;
  /** Puts a chunk of this input down if nothing needs it in memory (open, or being flushed); false when it stays up. */
  putDown(chunk: Chunk): boolean;
  /** The count fell below the limit: an input paused by it may resume. */
  chunksUpBelowLimit(): void;
}

/** Fluent Bit's default `storage.max_chunks_up` (`FLB_STORAGE_MAX_CHUNKS_UP`); 0 also means it. */
export const DEFAULT_MAX_CHUNKS_UP = 128;

/**
 * `[SERVICE] storage.max_chunks_up`: how many filesystem chunks, across every input, are held
 * in memory ("up") at once. Past it, the oldest sealed chunks that no flush is reading are put
 * down (their records stay in their files and are read back when a flush needs them), and the
 * inputs with `storage.pause_on_chunks_overlimit on` are paused until the count falls below it.
 */
export class ChunksUp {
  /** The chunks up, oldest first, and the input holding each. */
  private readonly chunks = new Map<Chunk, ChunksUpHolder>();
  private readonly paused = new Set<ChunksUpHolder>();

  constructor(readonly max: number) {}

  get count(): number {
    return this.chunks.size;
  }

  /** Whether the count is at the limit (an input that pauses on it pauses). */
  get reached(): boolean {
    return this.chunks.size >= this.max;
  }

  added(chunk: Chunk, holder: ChunksUpHolder): void {
    this.chunks.set(chunk, holder);
  }

  removed(chunk: Chunk): void {
    if (!this.chunks.delete(chunk) || this.paused.size === 0 || this.reached) return;
    const paused = [...this.paused];
    this.paused.clear();
    for (const holder of paused) holder.chunksUpBelowLimit();
  }

  /** `holder` paused at the limit and waits for the count to fall below it. */
  pausedBy(holder: ChunksUpHolder): void {
    this.paused.add(holder);
  }

  /** Over the limit: the oldest chunks that may go down go, until the count is back at it. */
  enforce(): void {
    if (this.chunks.size <= this.max) return;
    for (const [chunk, holder] of this.chunks) {
      if (!holder.pausesOnChunksOverlimit) holder.putDown(chunk);
      if (this.chunks.size <= this.max) return;
    }
  }
}
