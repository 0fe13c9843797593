import { messageOf, type Logger } from '@tributary/base';
import { MsgpackWriter } from '@tributary/msgpack';
import { forEachRawEvent, writeEvent, type EncodedOrObject, type EventFormat } from './event-codec.js';
import type { FilterStage, FilterTarget } from './filter-stage.js';
import type { InstanceMetrics } from './metrics.js';
import type { FlushResult, OutputInstance } from './plugin.js';
import { mayRetry, retryDelaySeconds, type Backoff } from './retry.js';
import type { Scheduler, Timer } from './scheduler.js';
import type { Task } from './task.js';
import { ChunkUnavailableError } from './chunk.js';

/**
 * `running`: normal backoff. `draining` (shutting down, within Grace): retries wait 1 s, as
 * Fluent Bit's. `closed` (Grace is over): nothing new starts; what is queued is dropped.
 */
export type QueueMode = 'running' | 'draining' | 'closed';

interface Delivery {
  readonly task: Task;
  /** Retries done so far (Fluent Bit's `attempts`). */
  attempts: number;
  timer?: Timer;
}

export interface OutputQueueOptions {
  readonly name: string;
  readonly matches: (tag: string) => boolean;
  /** Retries per chunk: −1 unlimited, 0 none. */
  readonly retryLimit: number;
  /** `storage.total_limit_size` in bytes: what this output may owe of filesystem chunks at once; undefined is unlimited. */
  readonly totalLimitSize?: number | undefined;
  /** YAML `processors.logs`: run on the records of each chunk before it is flushed. */
  readonly processors?: FilterStage | undefined;
  /** Flushes that may run at once (`Workers`, at least 1). */
  readonly concurrency: number;
  readonly log: Logger;
  readonly metrics: InstanceMetrics;
  readonly scheduler: Scheduler;
  readonly backoff: Backoff;
  readonly random: () => number;
  /** This output is done with `task`: delivered or dropped — or, `kept`, left undelivered by shutdown. */
  readonly settled: (task: Task, output: string, kept: boolean) => void;
  /** `storage.keep.rejected`: this output dropped `task` (an error, or no retry left). */
  readonly rejected?: (task: Task, output: string) => void;
}

/** The filter target index of an output's processors: never an input's, nor an emitter's (−1 is "none"). */
const OUTPUT_SIDE = -2;

/**
 * The tasks routed to one output instance: at most `concurrency` flushes at once, Fluent Bit's
 * results (OK releases, RETRY reschedules with full-jitter backoff until `Retry_Limit`, ERROR
 * drops), and the counters `/api/v1/metrics` reports.
 */
export class OutputQueue {
  instance: OutputInstance | undefined;
  format: EventFormat = 'v2';
  mode: QueueMode = 'running';
  inFlight = 0;
  readonly name: string;
  readonly matches: (tag: string) => boolean;
  readonly log: Logger;
  readonly metrics: InstanceMetrics;
  private readonly queue: Delivery[] = [];
  private readonly retries = new Set<Delivery>();
  private idleWaiters: Array<() => void> = [];
  /** Bytes of filesystem chunks this output owes: queued, waiting for a retry or being flushed (Fluent Bit's `fs_chunks_size`). */
  owedBytes = 0;

  constructor(private readonly options: OutputQueueOptions) {
    this.name = options.name;
    this.matches = options.matches;
    this.log = options.log;
    this.metrics = options.metrics;
  }

  enqueue(task: Task): void {
    if (task.durable) this.owedBytes += task.chunk.size;
    this.queue.push({ task, attempts: 0 });
    this.pump();
  }

  /**
   * Whether a filesystem chunk of `bytes` may be routed here. Past `storage.total_limit_size`,
   * this output drops the oldest filesystem chunks it owes and is not flushing (its route only:
   * other outputs still get them) until the new one fits, as Fluent Bit keeps the newest data;
   * false when that cannot make room.
   */
  makeRoom(bytes: number): boolean {
    const limit = this.options.totalLimitSize;
    if (limit === undefined || this.owedBytes + bytes <= limit) return true;
    const waiting = [...this.queue, ...this.retries].filter((delivery) => delivery.task.durable).sort((a, b) => a.task.id - b.task.id);
    for (const delivery of waiting) {
      if (this.owedBytes + bytes <= limit) break;
      this.withdraw(delivery.task);
      const { chunk } = delivery.task;
      this.drop(delivery, `storage.total_limit_size ${limit} bytes reached: the oldest chunk '${chunk.tag}' (${chunk.records} records) is dropped for this output: task_id=${delivery.task.id}`);
    }
    return this.owedBytes + bytes <= limit;
  }

  /** Starts queued flushes while workers are free; never once the queue is closed. */
  pump(): void {
    while (this.mode !== 'closed' && this.inFlight < this.options.concurrency && this.queue.length > 0) {
      void this.deliver(this.queue.shift()!);
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { task } = delivery;
    this.inFlight++;
    task.flushing++;
    let result: FlushResult;
    try {
      const processors = this.options.processors;
      if (processors === undefined) {
        result = await this.instance!.flush({ data: task.payload(this.format), tag: task.chunk.tag, records: task.chunk.records });
      } else {
        const processed = this.process(task, processors);
        // Processors that leave nothing leave nothing to send: the chunk is done with.
        result = processed.records === 0 ? 'ok' : await this.instance!.flush({ data: processed.data, tag: task.chunk.tag, records: processed.records });
      }
    } catch (error) {
      this.log.error(`flush failed: ${messageOf(error)}`);
      // A chunk that could not be read back is retried; anything else a flush throws drops it.
      result = error instanceof ChunkUnavailableError ? 'retry' : 'error';
    }
    this.inFlight--;
    task.flushing--;
    this.settle(delivery, result);
    this.pump();
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** The chunk's records through this output's processors, in its event format (again at each attempt, as Fluent Bit's output processors run per flush). */
  private process(task: Task, processors: FilterStage): { data: Uint8Array; records: number } {
    const writer = new MsgpackWriter(task.chunk.size + 1024);
    let records = 0;
    const format = this.format;
    const target: FilterTarget = {
      index: OUTPUT_SIDE,
      write(_tag: string, sec: number, nsec: number, body: EncodedOrObject, metadata: EncodedOrObject | undefined) {
        writeEvent(writer, format, sec, nsec, body, metadata);
        records++;
      },
    };
    const tag = task.chunk.tag;
    forEachRawEvent(task.chunk.bytes(), (sec, nsec, metadata, body) => processors.run(tag, sec, nsec, body, metadata, target));
    return { data: writer.bytes(), records };
  }

  private settle(delivery: Delivery, result: FlushResult): void {
    const { chunk } = delivery.task;
    if (result === 'ok') {
      this.metrics.procRecords += chunk.records;
      this.metrics.procBytes += chunk.size;
      this.finish(delivery.task, false);
    } else if (result === 'retry') {
      this.retry(delivery);
    } else {
      if (result !== 'error') this.log.error(`flush returned an unknown result ${String(result)}: treated as an error`);
      this.metrics.errors++;
      this.reject(delivery, `chunk '${chunk.tag}' (${chunk.records} records) failed and is dropped: task_id=${delivery.task.id}`);
    }
  }

  private retry(delivery: Delivery): void {
    const { task } = delivery;
    const limit = this.options.retryLimit;
    if (this.mode === 'closed') {
      this.metrics.retriesFailed++;
      return this.drop(delivery, `chunk '${task.chunk.tag}' asked for a retry after the Grace period ended: task_id=${task.id}, ${task.chunk.records} records dropped`, true);
    }
    if (!mayRetry(limit, delivery.attempts)) {
      this.metrics.retriesFailed++;
      const why = limit === 0 ? 'is not retried (Retry_Limit no_retries)' : `cannot be retried (Retry_Limit ${limit} reached)`;
      return this.reject(delivery, `chunk '${task.chunk.tag}' ${why}: task_id=${task.id}, ${task.chunk.records} records dropped`);
    }
    delivery.attempts++;
    this.metrics.retries++;
    this.metrics.retriedRecords += task.chunk.records;
    const seconds = this.mode === 'running' ? retryDelaySeconds(delivery.attempts, this.options.backoff, this.options.random) : 1;
    this.log.warn(`failed to flush chunk '${task.chunk.tag}', retry in ${seconds} seconds: task_id=${task.id}`);
    this.retries.add(delivery);
    delivery.timer = this.options.scheduler.after(seconds * 1000, () => this.requeue(delivery));
  }

  private requeue(delivery: Delivery): void {
    this.retries.delete(delivery);
    delivery.timer = undefined;
    this.queue.push(delivery);
    this.pump();
  }

  /** Drops a delivery this output gave up on (an error, no retry left): the dead-letter folder gets a copy. */
  private reject(delivery: Delivery, message: string): void {
    try {
      this.options.rejected?.(delivery.task, this.name);
    } catch (error) {
      this.log.warn(`[storage] cannot copy the rejected chunk: ${messageOf(error)}`);
    }
    this.drop(delivery, message);
  }

  /** Drops a delivery; `shutdown` when only the end of Grace stopped it (a durable store keeps its chunk). */
  private drop(delivery: Delivery, message: string, shutdown = false): void {
    this.metrics.droppedRecords += delivery.task.chunk.records;
    this.log.warn(message);
    this.finish(delivery.task, shutdown);
  }

  /** This output is done with `task` (delivered, dropped, or left by shutdown). */
  private finish(task: Task, kept: boolean): void {
    if (task.durable) this.owedBytes -= task.chunk.size;
    this.options.settled(task, this.name, kept);
  }

  /**
   * Takes `task` off this queue, queued or waiting for a retry, without settling it: a memrb
   * input dropped its chunk. A task being flushed (`task.flushing`) is never withdrawn.
   */
  withdraw(task: Task): void {
    const queued = this.queue.findIndex((delivery) => delivery.task === task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return;
    }
    for (const delivery of this.retries) {
      if (delivery.task !== task) continue;
      delivery.timer?.cancel();
      this.retries.delete(delivery);
      return;
    }
  }

  /** Shutdown: every pending retry runs now instead of after its backoff. */
  retryNow(): void {
    for (const delivery of [...this.retries]) {
      delivery.timer?.cancel();
      this.requeue(delivery);
    }
  }

  /** Deliveries waiting here: queued, or waiting for a retry (running flushes not included). */
  get waiting(): number {
    return this.queue.length + this.retries.size;
  }

  /**
   * Grace is over: nothing new starts, and what waits is dropped (and counted). Returns the
   * records dropped. Flushes already running cannot be stopped (a Go flush owns its thread).
   */
  close(): number {
    this.mode = 'closed';
    let records = 0;
    const waiting = [...this.queue.splice(0), ...this.retries];
    this.retries.clear();
    for (const delivery of waiting) {
      delivery.timer?.cancel();
      records += delivery.task.chunk.records;
      this.metrics.droppedRecords += delivery.task.chunk.records;
      this.finish(delivery.task, true);
    }
    return records;
  }

  /** Resolves once no flush of this output is running. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
