import { MsgpackWriter } from '@tributary/msgpack';
import { Chunk, CHUNK_MAX_BYTES } from './chunk.js';

/**
 * Where chunks live while they are open and until every output is done with them: memory
 * (Fluent Bit's `storage.type memory`) or, behind the same seam, files that survive a crash.
 */
export interface ChunkStore {
  /** Whether chunks survive a restart (Fluent Bit's filesystem chunks); memory ones do not. */
  readonly durable: boolean;
  /** A new chunk for records of input `input` under `tag`. */
  create(input: number, tag: string): Chunk;
  /** Records were appended to `chunk` from byte `from` on; a durable store writes them through before this returns. */
  appended(chunk: Chunk, from: number): void;
  /** The chunk takes no more records (full, or turned into a task). */
  seal(chunk: Chunk): void;
  /** Output `output` is done with the chunk while others still owe it. */
  settledBy(chunk: Chunk, output: string): void;
  /** Every output the chunk was routed to has delivered or dropped it; its bytes may be reused. */
  release(chunk: Chunk): void;
  /** Shutdown leaves the chunk undelivered: a durable store keeps it for the next start; its bytes may be reused. */
  keep(chunk: Chunk): void;
  /**
   * Takes a sealed chunk's records out of memory, leaving them in its file only (Fluent Bit's
   * `cio_chunk_down`); `cameUp` is called when they are read back. False when the store cannot
   * (memory, or a chunk whose file could not be written).
   */
  putDown(chunk: Chunk, cameUp: () => void): boolean;
}

/**
 * A chunk's buffer is allocated at its full size at once: memory that large is mapped lazily,
 * so a chunk that stays small costs only the pages it writes, and a full one is never copied
 * while it grows.
 */
export const CHUNK_CAPACITY = CHUNK_MAX_BYTES + 64 * 1024;

/** Chunks in memory. Buffers of released chunks are reused, which keeps the heap from churning through megabytes a second. */
export class MemoryChunkStore implements ChunkStore {
  private readonly spare: MsgpackWriter[] = [];

  readonly durable = false;

  constructor(private readonly spares = 2) {}

  create(input: number, tag: string): Chunk {
    return new Chunk(tag, input, this.spare.pop() ?? new MsgpackWriter(CHUNK_CAPACITY));
  }

  appended(): void {}

  seal(): void {}

  settledBy(): void {}

  release(chunk: Chunk): void {
    chunk.writer.reset();
    if (this.spare.length < this.spares) this.spare.push(chunk.writer);
  }

  keep(chunk: Chunk): void {
    this.release(chunk);
  }

  putDown(): boolean {
    return false;
  }
}
