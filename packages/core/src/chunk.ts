import { MsgpackWriter } from './msgpack-writer.js';

/**
 * Fluent Bit locks a chunk once its content passes 2,048,000 bytes
 * (`FLB_INPUT_CHUNK_FS_MAX_SIZE`); the check runs after a write, so a chunk may exceed it by one
 * record.
 */
export const CHUNK_MAX_BYTES = 2_048_000;

/**
 * A chunk's buffer is allocated at its full size at once: memory that large is mapped lazily,
 * so a chunk that stays small costs only the pages it writes, and a full one is never copied
 * while it grows.
 */
const CHUNK_CAPACITY = CHUNK_MAX_BYTES + 64 * 1024;

/**
 * Buffers of released chunks, reused by new ones: at high rates this keeps the heap from
 * churning through megabytes of short-lived buffers per second.
 */
const pool: MsgpackWriter[] = [];
const POOL_SIZE = 2;

/** Records of one input instance and one tag, encoded back to back. */
export class Chunk {
  readonly writer: MsgpackWriter;
  records = 0;

  constructor(
    readonly tag: string,
    /** Index of the input instance that wrote it. */
    readonly input: number,
  ) {
    this.writer = pool.pop() ?? new MsgpackWriter(CHUNK_CAPACITY);
  }

  /** Gives the buffer back for reuse; only once no output can still read the bytes. */
  recycle(): void {
    this.writer.reset();
    if (pool.length < POOL_SIZE) pool.push(this.writer);
  }

  get size(): number {
    return this.writer.length;
  }

  get full(): boolean {
    return this.writer.length >= CHUNK_MAX_BYTES;
  }
}
