import { messageOf, type Logger } from '@tributary/base';
import { readClock, type MutableTime, type MsgpackWriter } from '@tributary/msgpack';
import type { Chunk } from './chunk.js';
import type { ChunkStore } from './chunk-store.js';
import { CoreError } from './errors.js';
import { forEachRawEvent, writeEvent, type EncodedOrObject } from './event-codec.js';
import type { FilterStage, FilterTarget } from './filter-stage.js';
import type { InstanceMetrics } from './metrics.js';
import type { InputInstance } from './plugin.js';
import type { ChunksUp, ChunksUpHolder } from './storage/chunks-up.js';

/** `sec` meaning "stamp the record now" (an EventTime's seconds are never negative). */
export const NOW = -1;

/** What the buffer needs from the engine around it. */
export interface InputBufferHooks {
  readonly store: ChunkStore;
  readonly filters: FilterStage | undefined;
  /** This input's processors (YAML `processors.logs`): run on what it appends, before `filters`. */
  readonly processors?: FilterStage | undefined;
  /** A chunk passed 2 MB and takes no more records: dispatch it without waiting for the flush timer. */
  chunkFull(chunk: Chunk): void;
  /**
   * `storage.type memrb` over its Mem_Buf_Limit: drops this input's oldest chunks that no flush
   * is using until `bytes` are released; false when that many could not be.
   */
  evict(buffer: InputBuffer, bytes: number): boolean;
  /** `storage.max_chunks_up`, shared by every filesystem input; set for those only. */
  readonly chunksUp?: ChunksUp | undefined;
}

/** How an input keeps its chunks: Fluent Bit's `storage.type` and `storage.pause_on_chunks_overlimit`. */
export interface InputStorage {
  /**
   * memory: paused over Mem_Buf_Limit. filesystem: chunks are files too; over Mem_Buf_Limit
   * (or `storage.max_chunks_up`) sealed chunks go down instead, and the input is never paused
   * for memory. memrb: never paused; each append first drops the oldest chunks.
   */
  readonly type: 'memory' | 'filesystem' | 'memrb';
  /** filesystem: pause the input while `storage.max_chunks_up` chunks are up. */
  readonly pauseOnChunksOverlimit?: boolean;
}

const MEMORY: InputStorage = { type: 'memory' };

/** One input's chunks, as Fluent Bit's storage metrics count them. */
export interface InputStorageStatus {
  readonly name: string;
  /** `storage.type filesystem`: its chunks are files too. */
  readonly durable: boolean;
  /** Bytes of its chunks held in memory (those up). */
  readonly bufferedBytes: number;
  /** `Mem_Buf_Limit` in bytes; 0 is unlimited. */
  readonly memBufLimit: number;
  readonly chunks: number;
  /** Chunks whose records are only in their files (filesystem storage); the rest are up. */
  readonly downChunks: number;
  /** Chunks in tasks: sealed, taking no more records. */
  readonly busyChunks: number;
  readonly busyBytes: number;
}

/**
 * The records of one input instance on their way to chunks, as Fluent Bit's `flb_input_chunk`:
 * one open chunk per tag, the bytes held in memory counted against `Mem_Buf_Limit`, and the
 * input paused while it is over the limit and resumed once delivered chunks bring it below
 * (filesystem inputs put chunks down instead; memrb inputs drop the oldest).
 */
export class InputBuffer implements FilterTarget, ChunksUpHolder {
  instance: InputInstance | undefined;
  /** Chunks still taking records, by tag. */
  readonly open = new Map<string, Chunk>();
  /** memrb and filesystem: its chunks in the order they were made, oldest first. */
  private readonly aged = new Set<Chunk>();
  /** Bytes of this input's chunks held in memory (up), not yet released. */
  buffered = 0;
  /** Its chunks that are down (filesystem). */
  private down = 0;
  /** This input's chunks not yet released: the open ones and those in tasks. */
  chunks = 0;
  paused = false;
  /** Whether appends are taken at all (false once the engine stopped). */
  accepting = true;
  /** Whether Mem_Buf_Limit may resume the input (false while shutting down). */
  resumable = true;
  private pauses = 0;
  /** Emitters this input feeds that are paused themselves: the input waits for them (Fluent Bit pauses an emitter's sources). */
  private readonly heldBy = new Set<string>();
  private readonly now: MutableTime = { sec: 0, nsec: 0 };
  /**
   * A durable store hears of appends a batch at a time (one write per chunk): the chunks
   * appended to since the last write, and where their unwritten records start.
   */
  private readonly batched = new Map<Chunk, number>();
  /** Inside `appendEvents`, which writes its batch before it returns. */
  private batching = false;
  /** A write of the batch is queued for the end of this turn. */
  private commitQueued = false;
  private readonly commitLater = (): void => {
    this.commitQueued = false;
    this.commit();
  };
  /** `storage.type memrb`: over Mem_Buf_Limit the input is never paused; each append first drops the oldest chunks. */
  private readonly ringBuffer: boolean;
  /** `storage.type filesystem`: over Mem_Buf_Limit sealed chunks go down; the input is never paused for memory. */
  private readonly onDisk: boolean;
  readonly pausesOnChunksOverlimit: boolean;
  private readonly chunksUp: ChunksUp | undefined;
  /** What this input's processors let through goes on to the pipeline's filters. */
  private readonly afterProcessors: FilterTarget;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly tag: string,
    /** Mem_Buf_Limit in bytes; 0 is unlimited. */
    readonly memBufLimit: number,
    readonly log: Logger,
    readonly metrics: InstanceMetrics,
    readonly hooks: InputBufferHooks,
    storage: InputStorage = MEMORY,
  ) {
    this.ringBuffer = storage.type === 'memrb';
    this.onDisk = storage.type === 'filesystem';
    this.pausesOnChunksOverlimit = this.onDisk && storage.pauseOnChunksOverlimit === true;
    this.chunksUp = this.onDisk ? hooks.chunksUp : undefined;
    this.afterProcessors = { index, write: (tag, sec, nsec, body, metadata) => this.filter(tag, sec, nsec, body, metadata) };
    if (this.ringBuffer) {
      this.metrics.memrbDroppedChunks = 0;
      this.metrics.memrbDroppedBytes = 0;
    }
  }

  /** Appends one record; `sec` NOW stamps it with the current time. False when refused (paused, stopped). */
  append(tag: string, sec: number, nsec: number, body: EncodedOrObject, metadata: EncodedOrObject | undefined): boolean {
    if (this.paused || !this.accepting || (this.ringBuffer && !this.roomFor(1))) {
      this.metrics.droppedRecords++;
      return false;
    }
    this.appendRecord(tag, sec, nsec, body, metadata);
    return true;
  }

  /**
   * Appends a plugin's already-encoded events under `tag`, all of them or (paused, stopped, or
   * not events) none: like `flb_input_log_append`, one append of a whole buffer, which may take
   * the input past Mem_Buf_Limit and pause it afterwards.
   */
  appendEvents(tag: string, bytes: Uint8Array): number {
    if (this.paused || !this.accepting || (this.ringBuffer && !this.roomFor(bytes.length))) return 0;
    // The store hears of the whole batch at once (a durable store writes it with one frame per chunk), before this returns.
    this.batching = true;
    try {
      return forEachRawEvent(bytes, (sec, nsec, metadata, body) => this.appendRecord(tag, sec, nsec, body, metadata));
    } finally {
      this.batching = false;
      this.commit();
    }
  }

  /**
   * Writes what was appended since the last write through to the store (a durable store:
   * one frame per chunk). Records appended one at a time are written at the end of the turn
   * of the event loop that appended them — before any later callback or promise reaction,
   * so before an input that replies from one can tell its peer they were taken.
   */
  commit(): void {
    if (this.batched.size === 0) return;
    for (const [chunk, from] of this.batched) this.hooks.store.appended(chunk, from);
    this.batched.clear();
  }

  /** memrb over its limit makes room for `bytes` by dropping old chunks, as Fluent Bit does before each append; false when it cannot. */
  private roomFor(bytes: number): boolean {
    if (this.memBufLimit === 0 || this.buffered < this.memBufLimit) return true;
    return this.hooks.evict(this, bytes);
  }

  /** memrb: this input's chunks, oldest first. */
  oldestChunks(): IterableIterator<Chunk> {
    return this.aged.values();
  }

  private appendRecord(tag: string, sec: number, nsec: number, body: EncodedOrObject, metadata: EncodedOrObject | undefined): void {
    if (sec === NOW) {
      readClock(this.now);
      sec = this.now.sec;
      nsec = this.now.nsec;
    }
    const processors = this.hooks.processors;
    if (processors !== undefined) processors.run(tag, sec, nsec, body, metadata, this.afterProcessors);
    else this.filter(tag, sec, nsec, body, metadata);
  }

  private filter(tag: string, sec: number, nsec: number, body: EncodedOrObject, metadata: EncodedOrObject | undefined): void {
    const filters = this.hooks.filters;
    if (filters !== undefined) filters.run(tag, sec, nsec, body, metadata, this);
    else this.write(tag, sec, nsec, body, metadata);
  }

  /** Writes one record into its tag's chunk, whole or (a value msgpack cannot hold) not at all: a CoreError INVALID_RECORD. */
  write(tag: string, sec: number, nsec: number, body: EncodedOrObject, metadata: EncodedOrObject | undefined): void {
    const chunk = this.chunkFor(tag);
    const before = chunk.size;
    try {
      this.encode(chunk.writer, sec, nsec, body, metadata);
    } catch (error) {
      // A chunk must only ever hold whole records: roll back the partial one.
      chunk.writer.length = before;
      this.dropIfEmpty(tag, chunk);
      throw error;
    }
    this.appended(tag, chunk, before);
  }

  private encode(writer: MsgpackWriter, sec: number, nsec: number, body: EncodedOrObject, metadata: EncodedOrObject | undefined): void {
    try {
      writeEvent(writer, 'v2', sec, nsec, body, metadata);
    } catch (error) {
      throw new CoreError('INVALID_RECORD', `${this.name}: cannot encode the record: ${messageOf(error)}`, { cause: error });
    }
  }

  private chunkFor(tag: string): Chunk {
    let chunk = this.open.get(tag);
    if (chunk === undefined) {
      chunk = this.hooks.store.create(this.index, tag);
      this.open.set(tag, chunk);
      this.chunks++;
      if (this.ringBuffer || this.onDisk) this.aged.add(chunk);
      this.chunksUp?.added(chunk, this);
    }
    return chunk;
  }

  private dropIfEmpty(tag: string, chunk: Chunk): void {
    // Fluent Bit never flushes an empty chunk.
    if (chunk.records > 0) return;
    this.open.delete(tag);
    this.chunks--;
    this.aged.delete(chunk);
    this.chunksUp?.removed(chunk);
    this.hooks.store.release(chunk);
  }

  private appended(tag: string, chunk: Chunk, before: number): void {
    const added = chunk.size - before;
    chunk.records++;
    this.buffered += added;
    this.metrics.records++;
    this.metrics.bytes += added;
    if (this.hooks.store.durable && !this.batched.has(chunk)) {
      this.batched.set(chunk, before);
      if (!this.batching && !this.commitQueued) {
        this.commitQueued = true;
        queueMicrotask(this.commitLater);
      }
    }
    if (chunk.full) {
      this.open.delete(tag);
      this.flushBatched(chunk);
      this.hooks.store.seal(chunk);
      this.hooks.chunkFull(chunk);
    }
    if (this.memBufLimit > 0 && this.buffered >= this.memBufLimit) {
      if (this.onDisk) this.putDownOldest();
      else if (!this.ringBuffer) this.pause(`mem buf overlimit (${this.buffered} bytes >= ${this.memBufLimit})`);
    }
    const chunksUp = this.chunksUp;
    if (chunksUp !== undefined) {
      chunksUp.enforce();
      if (this.pausesOnChunksOverlimit && chunksUp.reached) {
        chunksUp.pausedBy(this);
        this.pause(`storage buf overlimit ${chunksUp.count}/${chunksUp.max}`);
      }
    }
  }

  /** filesystem over Mem_Buf_Limit: its oldest chunks that nothing needs in memory go down until it is below. */
  private putDownOldest(): void {
    for (const chunk of this.aged) {
      if (this.buffered < this.memBufLimit) return;
      this.putDown(chunk);
    }
  }

  /**
   * Puts a sealed chunk down (its records stay in its file only) unless it is open or being
   * flushed; it comes up again, counted back, when a flush reads it.
   */
  putDown(chunk: Chunk): boolean {
    if (!chunk.up || this.open.get(chunk.tag) === chunk || (chunk.task?.flushing ?? 0) > 0) return false;
    const size = chunk.size;
    if (!this.hooks.store.putDown(chunk, () => this.cameUp(chunk))) return false;
    this.buffered -= size;
    this.down++;
    this.chunksUp?.removed(chunk);
    this.resumeIfClear();
    return true;
  }

  private cameUp(chunk: Chunk): void {
    this.buffered += chunk.size;
    this.down--;
    this.chunksUp?.added(chunk, this);
  }

  chunksUpBelowLimit(): void {
    this.resumeIfClear();
  }

  /** A batched chunk that is sealed before the batch ends hears of its records first. */
  private flushBatched(chunk: Chunk): void {
    const from = this.batched.get(chunk);
    if (from === undefined) return;
    this.batched.delete(chunk);
    this.hooks.store.appended(chunk, from);
  }

  /** Every open chunk, which stops taking records (the flush timer turns them into tasks). */
  takeOpen(): Chunk[] {
    if (this.open.size === 0) return [];
    const chunks = [...this.open.values()];
    this.open.clear();
    for (const chunk of chunks) {
      this.flushBatched(chunk);
      this.hooks.store.seal(chunk);
    }
    return chunks;
  }

  /** A chunk a previous run left on disk, which this buffer holds until it is delivered. */
  adopt(chunk: Chunk): void {
    this.chunks++;
    this.buffered += chunk.size;
    this.metrics.records += chunk.records;
    this.metrics.bytes += chunk.size;
  }

  /**
   * Every output is done with `chunk` — or shutdown left it undelivered (`keep`: a durable
   * store keeps it for the next start): its bytes leave the buffer, which may resume the input.
   */
  release(chunk: Chunk, keep = false): void {
    this.flushBatched(chunk);
    this.chunks--;
    this.aged.delete(chunk);
    if (chunk.up) {
      this.buffered -= chunk.size;
      this.chunksUp?.removed(chunk);
    } else {
      this.down--;
    }
    if (keep) this.hooks.store.keep(chunk);
    else this.hooks.store.release(chunk);
    this.resumeIfClear();
  }

  /** What `/api/v1/storage` reports of this input: its chunks, and those busy in tasks (no longer open). */
  storageStatus(): InputStorageStatus {
    let openBytes = 0;
    for (const chunk of this.open.values()) openBytes += chunk.size;
    return {
      name: this.name,
      durable: this.hooks.store.durable,
      bufferedBytes: this.buffered,
      memBufLimit: this.memBufLimit,
      chunks: this.chunks,
      downChunks: this.down,
      busyChunks: this.chunks - this.open.size,
      busyBytes: this.buffered - openBytes,
    };
  }

  /** The emitter `name` this input feeds is paused: so is this input, until `unhold(name)`. */
  hold(name: string): void {
    this.heldBy.add(name);
    this.pause(`${name} is paused`);
  }

  unhold(name: string): void {
    if (this.heldBy.delete(name)) this.resumeIfClear();
  }

  /** Resumes a paused input once nothing holds it: no emitter it feeds, its memory and its share of the chunks up within their limits. */
  private resumeIfClear(): void {
    if (!this.paused || !this.resumable || this.heldBy.size > 0) return;
    if (!this.onDisk && !this.ringBuffer && this.memBufLimit > 0 && this.buffered >= this.memBufLimit) return;
    if (this.pausesOnChunksOverlimit && this.chunksUp!.reached) return;
    this.resume();
  }

  pause(why: string): void {
    if (this.paused) return;
    this.paused = true;
    this.pauses++;
    // A busy pipeline pauses an input many times a second: warn once, then keep it at debug.
    if (why === 'shutdown') this.log.info(`pausing ${this.name}`);
    else if (this.pauses === 1) this.log.warn(`paused (${why}); further pauses are logged at debug level`);
    else this.log.debug(`paused (${why})`);
    this.instance?.pause?.();
  }

  private resume(): void {
    this.paused = false;
    this.log.debug('resume');
    this.instance?.resume?.();
  }
}
