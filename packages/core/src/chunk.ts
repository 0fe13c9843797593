import { MsgpackWriter } from '@tributary/msgpack';
import type { Task } from './task.js';

/**
 * Fluent Bit locks a chunk once its content passes 2,048,000 bytes
 * (`FLB_INPUT_CHUNK_FS_MAX_SIZE`); the check runs after a write, so a chunk may exceed it by one
 * record.
 */
export const CHUNK_MAX_BYTES = 2_048_000;

/** Records of one input instance and one tag, encoded back to back in Fluent Bit's event format. */
export class Chunk {
  records = 0;
  /** The task it became once dispatched (Fluent Bit's `ic->task`); undefined while it is open or waits for dispatch. */
  task: Task | undefined;

  constructor(
    readonly tag: string,
    /** Index of the input instance that wrote it. */
    readonly input: number,
    /** Where the records are written; owned by the chunk store that made the chunk. */
    readonly writer: MsgpackWriter,
  ) {}

  get size(): number {
    return this.writer.length;
  }

  get full(): boolean {
    return this.writer.length >= CHUNK_MAX_BYTES;
  }

  /** The records (a view of the buffer, not a copy). */
  bytes(): Buffer {
    return this.writer.bytes();
  }
}
