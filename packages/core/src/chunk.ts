import type { MsgpackWriter } from '@tributary/msgpack';
import type { Task } from './task.js';

/**
 * Fluent Bit locks a chunk once its content passes 2,048,000 bytes
 * (`FLB_INPUT_CHUNK_FS_MAX_SIZE`); the check runs after a write, so a chunk may exceed it by one
 * record.
 */
export const CHUNK_MAX_BYTES = 2_048_000;

/**
 * The records of a chunk that is down could not be read back from its file (an I/O error, a
 * file changed under it): the flush is retried, as Fluent Bit spends a delivery attempt on it.
 */
export class ChunkUnavailableError extends Error {
  override readonly name = 'ChunkUnavailableError';
}

/**
 * Records of one input instance and one tag, encoded back to back in Fluent Bit's event format.
 * A chunk is "up" while its records are in memory; a sealed chunk of a filesystem input may be
 * put "down" (Fluent Bit's `cio_chunk_down`): its records are then only in its file, read back
 * the next time anything asks for them.
 */
export class Chunk {
  records = 0;
  /** The task it became once dispatched (Fluent Bit's `ic->task`); undefined while it is open or waits for dispatch. */
  task: Task | undefined;
  private held: MsgpackWriter | undefined;
  /** While down: the size of its records, and how to read them back. */
  private downSize = 0;
  private readBack: (() => MsgpackWriter) | undefined;

  constructor(
    readonly tag: string,
    /** Index of the input instance that wrote it. */
    readonly input: number,
    /** Where the records are written; owned by the chunk store that made the chunk. */
    writer: MsgpackWriter,
  ) {
    this.held = writer;
  }

  /** Where its records are; a chunk that is down is brought up first. */
  get writer(): MsgpackWriter {
    return this.held ?? this.bringUp();
  }

  /** Whether its records are in memory. */
  get up(): boolean {
    return this.held !== undefined;
  }

  get size(): number {
    return this.held === undefined ? this.downSize : this.held.length;
  }

  get full(): boolean {
    return this.size >= CHUNK_MAX_BYTES;
  }

  /** The records (a view of the buffer, not a copy). */
  bytes(): Buffer {
    return this.writer.bytes();
  }

  /**
   * Takes the records out of memory; `readBack` returns them in a buffer again when they are
   * next needed (and throws when it cannot). Returns the buffer they were in, for reuse.
   */
  putDown(readBack: () => MsgpackWriter): MsgpackWriter {
    const writer = this.held!;
    this.downSize = writer.length;
    this.held = undefined;
    this.readBack = readBack;
    return writer;
  }

  private bringUp(): MsgpackWriter {
    const writer = this.readBack!();
    this.held = writer;
    this.readBack = undefined;
    return writer;
  }
}
