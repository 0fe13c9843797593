import { MsgpackWriter } from '@tributary/msgpack';
import type { Chunk } from './chunk.js';
import { toLegacyEvents, type EventFormat } from './event-codec.js';
import type { OutputQueue } from './output-queue.js';

/**
 * One chunk on its way to the outputs its tag was routed to, as Fluent Bit's `flb_task`: done
 * when every one of them has delivered or dropped it.
 */
export class Task {
  /** Outputs that have not settled it yet. */
  remaining: number;
  /** Shutdown left it undelivered for at least one output: a durable store keeps the chunk. */
  keep = false;
  /** Flushes of it running now (Fluent Bit's `users`): while any runs, the task cannot be withdrawn. */
  flushing = 0;
  private legacy: Uint8Array | undefined;

  constructor(
    readonly id: number,
    readonly chunk: Chunk,
    /** The output queues its tag was routed to. */
    readonly routes: readonly OutputQueue[],
    /** Its chunk is a file too (`storage.type filesystem`): it counts against `storage.total_limit_size`. */
    readonly durable = false,
  ) {
    this.remaining = routes.length;
  }

  /** The records in the layout an output asked for; converted to legacy once, for every output that wants it. */
  payload(format: EventFormat): Uint8Array {
    if (format === 'v2') return this.chunk.bytes();
    if (this.legacy === undefined) {
      const writer = new MsgpackWriter(this.chunk.size);
      toLegacyEvents(this.chunk.bytes(), writer);
      this.legacy = writer.bytes();
    }
    return this.legacy;
  }
}
