import { createLogger, messageOf, type Logger } from '@tributary/base';
import { MemoryChunkStore, type ChunkStore } from './chunk-store.js';
import { CoreError } from './errors.js';
import { createFilterSlot, type EngineFilterSpec, type FilterSlotWithInit } from './engine-filters.js';
import type { FilterEmitter } from './filter-plugin.js';
import { FilterStage, type FilterSlot } from './filter-stage.js';
import type { InputBuffer, InputBufferHooks, InputStorageStatus } from './input-buffer.js';
import type { ParserLookup } from './text-parser.js';
import {
  createCustomSlot,
  createEmitterSlot,
  exitInstance,
  createInputSlot,
  createOutputSlot,
  type CustomSlot,
  type EngineCustomSpec,
  type EngineInputSpec,
  type EngineOutputSpec,
  type InputSlot,
  type OutputSlot,
} from './engine-instances.js';
import type { FilterMetrics, InstanceMetrics } from './metrics.js';
import { DEFAULT_BACKOFF, type Backoff } from './retry.js';
import { Router } from './router.js';
import { Scheduler } from './scheduler.js';
import { Task } from './task.js';
import type { OutputQueue } from './output-queue.js';
import { Chunk } from './chunk.js';
import { Backlog, type BacklogCounters } from './storage/backlog.js';
import { FileChunkStore, type FileStorageOptions } from './storage/file-chunk-store.js';
import { ChunksUp, DEFAULT_MAX_CHUNKS_UP } from './storage/chunks-up.js';
import { RejectedChunks } from './storage/rejected-chunks.js';
import { MsgpackWriter } from '@tributary/msgpack';

export interface EngineOptions {
  readonly inputs: readonly EngineInputSpec[];
  readonly outputs: readonly EngineOutputSpec[];
  /** `[CUSTOM]` instances: initialised before the inputs, exited after the outputs. */
  readonly customs?: readonly EngineCustomSpec[];
  /** Seconds between flushes (Fluent Bit `Flush`, default 1). */
  readonly flush?: number;
  /** Seconds to keep flushing at shutdown (Fluent Bit `Grace`, default 5; −1 waits for all). */
  readonly grace?: number;
  /** Retry backoff, `scheduler.base` and `scheduler.cap` in seconds. */
  readonly backoff?: Backoff;
  readonly logger?: Logger;
  /** Source of randomness for backoff jitter (tests pin it). */
  readonly random?: () => number;
  /** Where chunks live; memory unless a durable store is given. */
  readonly chunkStore?: ChunkStore;
  /** `[FILTER]` instances, in config order: run on what inputs append, before it reaches a chunk. */
  readonly filters?: readonly EngineFilterSpec[];
  /** The parsers inputs may name (`Parser`); none by default. */
  readonly parsers?: ParserLookup;
  /** `[SERVICE] storage.*`: where inputs with `storage.type filesystem` keep their chunks; none by default. */
  readonly storage?: EngineStorageOptions;
  /** `Hot_Reload On`: plugins' pre-run hooks are told so. */
  readonly hotReload?: boolean;
}

/** `[SERVICE] storage.path`, `storage.sync`, `storage.checksum`, `storage.backlog.mem_limit`, `storage.delete_irrecoverable_chunks`, `storage.max_chunks_up`. */
export interface EngineStorageOptions extends FileStorageOptions {
  /** Bytes of backlog chunks held in memory at once (`storage.backlog.mem_limit`, Fluent Bit's default 5M). */
  readonly backlogMemLimit: number;
  readonly deleteIrrecoverable: boolean;
  /** Filesystem chunks held in memory at once across the inputs (`storage.max_chunks_up`; 0 or unset is Fluent Bit's 128). */
  readonly maxChunksUp?: number | undefined;
  /** `storage.keep.rejected`: a copy of every chunk an output drops goes to the dead-letter folder. */
  readonly keepRejected?: boolean | undefined;
  /** `storage.rejected.path`: that folder under `path` (default `rejected`). */
  readonly rejectedPath?: string | undefined;
  /** `storage.rejected.limit` in bytes: what the dead-letter folder may hold; unset is unlimited. */
  readonly rejectedLimit?: number | undefined;
}

/** new → starting (instances initialise) → running → stopping (Grace) → stopped. */
export type EngineState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The pipeline, split as Fluent Bit splits it: inputs append into their input buffers (chunks
 * per tag, Mem_Buf_Limit); every `flush` seconds, or as soon as a chunk is full, chunks become
 * tasks that the router sends to the output queues whose Match selects their tag; each queue
 * flushes, retries and drops with Fluent Bit's semantics. The engine only wires these and owns
 * the lifecycle. Constructing it validates every instance's properties; `start` initialises them.
 */
export class Engine implements AsyncDisposable {
  readonly scheduler = new Scheduler();
  readonly log: Logger;
  private readonly inputs: InputSlot[];
  private readonly outputs: OutputSlot[];
  private readonly customs: CustomSlot[];
  private readonly filters: FilterSlotWithInit[];
  /** The processors of every input and output, initialised and exited with the filters. */
  private readonly processors: FilterSlotWithInit[] = [];
  private readonly hooks: InputBufferHooks;
  private readonly router: Router<OutputQueue>;
  /** Chunks that filled up and wait to be dispatched. */
  private readonly ready: Chunk[] = [];
  private readonly flushSeconds: number;
  private grace: number;
  private stateNow: EngineState = 'new';
  private activeTasks = 0;
  private nextTaskId = 0;
  private whenIdle: (() => void) | undefined;
  private stopping?: Promise<void>;
  private readonly storage: EngineStorageOptions | undefined;
  /** What pre-run and pre-exit hooks see; `hotReloading` is set by `stop({ hotReload: true })`. */
  private readonly lifecycle: { hotReloadEnabled: boolean; hotReloading: boolean };
  /** Chunks a previous run left on disk, and the input slot that holds them while they are delivered. */
  private backlog: { readonly chunks: Backlog; readonly slot: InputSlot; readonly store: FileChunkStore } | undefined;
  /** `storage.keep.rejected`: the dead-letter folder. */
  private readonly rejected: RejectedChunks | undefined;
  private stopRequest!: (reason: string) => void;
  /** Resolves with the reason when an input asked for the process to stop (`stdin` at end of input). */
  readonly stopRequested = new Promise<string>((resolve) => (this.stopRequest = resolve));

  constructor(options: EngineOptions) {
    this.log = options.logger ?? createLogger();
    this.flushSeconds = options.flush ?? 1;
    this.grace = options.grace ?? 5;
    const store = options.chunkStore ?? new MemoryChunkStore();
    const filterSpecs = options.filters ?? [];
    this.filters = filterSpecs.map((spec, index) =>
      createFilterSlot(spec, index, {
        log: this.log,
        scheduler: this.scheduler,
        parsers: options.parsers,
        addEmitter: (slot, name, memBufLimit) => this.addEmitter(slot, name, memBufLimit),
      }),
    );
    const filters = this.filters.length > 0 ? new FilterStage(this.filters) : undefined;
    const hooks = (this.hooks = {
      store,
      filters,
      chunkFull: (chunk: Chunk) => this.chunkFull(chunk),
      evict: (buffer: InputBuffer, bytes: number) => this.evict(buffer, bytes),
    });
    const storage = (this.storage = options.storage);
    const lifecycle = (this.lifecycle = { hotReloadEnabled: options.hotReload ?? false, hotReloading: false });
    const engine = {
      log: this.log,
      scheduler: this.scheduler,
      isRunning: () => this.stateNow === 'running',
      requestStop: (reason: string) => this.stopRequest(reason),
      parsers: options.parsers,
      fileStore: (input: string) => (storage === undefined ? undefined : new FileChunkStore(storage, input, this.log)),
      chunksUp: storage === undefined ? undefined : new ChunksUp(storage.maxChunksUp || DEFAULT_MAX_CHUNKS_UP),
      lifecycle,
    };
    this.customs = (options.customs ?? []).map((spec, index) => createCustomSlot(spec, index, this.log));
    this.inputs = options.inputs.map((spec, index) => {
      const processors = this.processorStage(spec.processors, options.parsers);
      return createInputSlot(spec, index, processors === undefined ? hooks : { ...hooks, processors }, engine);
    });
    const lone = options.inputs.length === 1 && options.outputs.length === 1;
    const rejected = (this.rejected = storage?.keepRejected ? new RejectedChunks(storage.path, storage.rejectedPath ?? 'rejected', storage.rejectedLimit, storage.checksum, this.log) : undefined);
    const queues = {
      scheduler: this.scheduler,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      random: options.random ?? Math.random,
      settled: (task: Task, output: string, kept: boolean) => this.settled(task, output, kept),
      ...(rejected === undefined ? {} : { rejected: (task: Task, output: string) => rejected.keep(task.chunk, output) }),
    };
    this.outputs = options.outputs.map((spec, index) => createOutputSlot(spec, index, lone, queues, this.log, lifecycle, this.processorStage(spec.processors, options.parsers)));
    this.router = new Router(this.outputs.map((slot) => slot.queue));
  }

  /**
   * The processors of one input or output (YAML `processors.logs`) as a filter stage of their
   * own, numbered after the pipeline's filters. A filter that needs an emitter (rewrite_tag,
   * multiline with its own buffer) is refused as a processor.
   */
  private processorStage(specs: readonly EngineFilterSpec[] | undefined, parsers: ParserLookup | undefined): FilterStage | undefined {
    if (specs === undefined || specs.length === 0) return undefined;
    const slots = specs.map((spec) =>
      createFilterSlot(
        spec,
        this.filters.length + this.processors.length,
        {
          log: this.log,
          scheduler: this.scheduler,
          parsers,
          addEmitter: (slot) => {
            throw new CoreError('INIT_FAILED', `${slot.name}: ${spec.plugin.name} re-emits records through an emitter, which a processor cannot have in Tributary. Move it to pipeline.filters with a match for this plugin's tag.`);
          },
        },
        true,
      ),
    );
    this.processors.push(...slots);
    return new FilterStage(slots);
  }

  get state(): EngineState {
    return this.stateNow;
  }

  /**
   * Initialises customs, filters (before any input can append), inputs then outputs in config
   * order, runs the outputs' pre-run, and starts the flush timer.
   */
  async start(): Promise<void> {
    if (this.stateNow !== 'new') throw new CoreError('INIT_FAILED', 'the engine was already started');
    // Inputs may append while outputs initialise (a Go init runs off the event loop), but
    // nothing is dispatched and no collector runs until every output is ready.
    this.stateNow = 'starting';
    let current = '';
    try {
      for (const custom of this.customs) {
        current = `custom '${custom.name}'`;
        custom.instance = await custom.init();
      }
      for (const filter of this.filters) {
        current = `filter '${filter.name}'`;
        filter.instance = await filter.init();
      }
      for (const processor of this.processors) {
        current = `processor '${processor.name}'`;
        processor.instance = await processor.init();
      }
      for (const input of this.inputs) {
        current = `input '${input.buffer.name}'`;
        input.buffer.instance = await input.init();
      }
      for (const output of this.outputs) {
        current = `output '${output.queue.name}'`;
        const instance = await output.init();
        output.queue.instance = instance;
        output.queue.format = instance.eventFormat ?? 'v2';
      }
      for (const output of this.outputs) {
        current = `output '${output.queue.name}'`;
        await output.queue.instance?.preRun?.();
      }
    } catch (error) {
      await this.exitInstances();
      this.scheduler.cancelAll();
      this.stateNow = 'stopped';
      throw new CoreError('INIT_FAILED', `failed to initialize ${current}: ${messageOf(error)}`, { cause: error });
    }
    this.stateNow = 'running';
    this.scheduler.every(this.flushSeconds * 1000, () => this.flush());
    this.log.info(`[engine] started (pid=${process.pid})`);
    if (this.storage !== undefined) this.openBacklog(this.storage);
    this.dispatchReady();
  }

  /**
   * What a previous run left under `storage.path` goes to the outputs that still owe it, as
   * Fluent Bit's `storage_backlog` input does: read a chunk at a time while the backlog holds
   * less than `storage.backlog.mem_limit`, the next one as each is delivered.
   */
  private openBacklog(storage: EngineStorageOptions): void {
    const chunks = new Backlog(storage.path, storage.deleteIrrecoverable, this.log, this.rejected?.folder);
    if (chunks.size === 0) return;
    const store = new FileChunkStore(storage, undefined, this.log);
    const hooks = { ...this.hooks, store };
    const name = 'storage_backlog';
    const slot = createEmitterSlot(this.inputs.length, name, storage.backlogMemLimit, this.log, hooks, {});
    slot.buffer.accepting = false;
    this.inputs.push(slot);
    this.backlog = { chunks, slot, store };
    this.loadBacklog();
  }

  private loadBacklog(): void {
    const backlog = this.backlog;
    if (backlog === undefined || this.stateNow !== 'running') return;
    const { buffer } = backlog.slot;
    while (buffer.buffered < buffer.memBufLimit || buffer.buffered === 0) {
      const stored = backlog.chunks.next();
      if (stored === undefined) return;
      const writer = new MsgpackWriter(stored.records.length);
      writer.writeRaw(stored.records);
      const chunk = new Chunk(stored.tag, buffer.index, writer);
      chunk.records = stored.count;
      backlog.store.adopt(chunk, stored.path, stored.done);
      buffer.adopt(chunk);
      this.dispatch(chunk, stored.done);
    }
  }

  /** Turns every chunk into a task now (the flush timer does this every `flush` seconds). */
  flush(): void {
    if (this.stateNow === 'new' || this.stateNow === 'starting') return;
    this.dispatchReady();
    for (const input of this.inputs) for (const chunk of input.buffer.takeOpen()) this.dispatch(chunk);
  }

  private chunkFull(chunk: Chunk): void {
    this.ready.push(chunk);
    if (this.ready.length === 1) queueMicrotask(() => this.dispatchReady());
  }

  private dispatchReady(): void {
    if (this.stateNow === 'new' || this.stateNow === 'starting') return;
    for (const chunk of this.ready.splice(0)) this.dispatch(chunk);
  }

  /** Sends a chunk to the outputs its tag routes it to (but those in `done`, which delivered it before a restart). */
  private dispatch(chunk: Chunk, done?: ReadonlySet<string>): void {
    let routes = this.router.routes(chunk.tag);
    if (done !== undefined && done.size > 0) routes = routes.filter((queue) => !done.has(queue.name));
    const buffer = this.inputs[chunk.input]!.buffer;
    const durable = buffer.hooks.store.durable;
    if (durable) routes = routes.filter((queue) => this.admits(queue, chunk));
    if (routes.length === 0) {
      this.log.debug(`[router] no output takes tag '${chunk.tag}': ${chunk.records} records discarded`);
      buffer.release(chunk);
      return;
    }
    const task = new Task(this.nextTaskId++, chunk, routes, durable);
    chunk.task = task;
    this.activeTasks++;
    for (const queue of routes) queue.enqueue(task);
  }

  /** Whether `queue` takes a filesystem chunk within its `storage.total_limit_size`; one it cannot is counted as dropped there. */
  private admits(queue: OutputQueue, chunk: Chunk): boolean {
    if (queue.makeRoom(chunk.size)) return true;
    queue.metrics.droppedRecords += chunk.records;
    queue.log.warn(`storage.total_limit_size reached and no older chunk can be dropped: chunk '${chunk.tag}' (${chunk.records} records) is not routed to this output`);
    return false;
  }

  /**
   * A memrb input over its limit: its oldest chunks that no flush is using are dropped — taken
   * off the output queues if dispatched — until `bytes` are released (`memrb_input_chunk_release_space`).
   */
  private evict(buffer: InputBuffer, bytes: number): boolean {
    let released = 0;
    let chunks = 0;
    for (const chunk of buffer.oldestChunks()) {
      const task = chunk.task;
      if (task?.flushing) continue;
      released += chunk.size;
      chunks++;
      if (task !== undefined) {
        for (const queue of task.routes) queue.withdraw(task);
        this.finished(task);
      } else {
        // Not dispatched yet: still open, or full and waiting in `ready`.
        if (buffer.open.get(chunk.tag) === chunk) buffer.open.delete(chunk.tag);
        else this.ready.splice(this.ready.indexOf(chunk), 1);
        buffer.release(chunk);
      }
      if (released >= bytes) break;
    }
    if (chunks > 0) {
      buffer.metrics.memrbDroppedChunks! += chunks;
      buffer.metrics.memrbDroppedBytes! += released;
      buffer.log.debug(`memrb: dropped ${chunks} oldest chunks (${released} bytes) to make room`);
    }
    return released >= bytes;
  }

  private settled(task: Task, output: string, kept: boolean): void {
    const buffer = this.inputs[task.chunk.input]!.buffer;
    if (kept) task.keep = true;
    else if (task.remaining > 1) buffer.hooks.store.settledBy(task.chunk, output);
    if (--task.remaining > 0) return;
    this.finished(task);
  }

  /** Every route is done with `task`, or a memrb input dropped it: its chunk leaves the input's buffer. */
  private finished(task: Task): void {
    this.activeTasks--;
    this.inputs[task.chunk.input]!.buffer.release(task.chunk, task.keep);
    if (this.backlog !== undefined && task.chunk.input === this.backlog.slot.buffer.index) this.loadBacklog();
    if (this.whenIdle && this.activeTasks === 0 && this.ready.length === 0 && this.inputs.every((input) => input.buffer.open.size === 0)) {
      this.whenIdle();
    }
  }

  /**
   * Fluent Bit's shutdown: pause every input, run pending retries now (they wait 1 s from then
   * on), and keep flushing once a second until nothing is pending or `grace` seconds have
   * passed. Then nothing new starts: what still waits is dropped and counted, flushes already
   * running are waited for, and the outputs' pre-exit and exit hooks run, then the inputs' exit
   * hooks, in config order. `hotReload` tells the pre-exit hooks so; `grace` replaces the
   * configured one (-1: no limit, as a hot reload with Ensure_Thread_Safety waits).
   */
  stop(options: { hotReload?: boolean; grace?: number } = {}): Promise<void> {
    if (options.hotReload) this.lifecycle.hotReloading = true;
    if (options.grace !== undefined && this.stopping === undefined) this.grace = options.grace;
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  private async shutdown(): Promise<void> {
    if (this.stateNow === 'new') {
      this.stateNow = 'stopped';
      return;
    }
    this.stateNow = 'stopping';
    for (const filter of [...this.filters, ...this.processors]) {
      try {
        filter.instance?.drain?.();
      } catch (error) {
        filter.log.error(`drain failed: ${messageOf(error)}`);
      }
    }
    for (const { buffer } of this.inputs) {
      buffer.resumable = false;
      buffer.pause('shutdown');
    }
    this.scheduler.cancelAll();
    for (const { queue } of this.outputs) {
      queue.mode = 'draining';
      queue.retryNow();
    }
    this.flush();
    const pending = (await this.drainWithinGrace()) ? 0 : this.closeQueues();
    await Promise.all(this.outputs.map(({ queue }) => queue.whenIdle()));
    this.log.info(`[engine] service has stopped (${pending} pending tasks)`);
    for (const { buffer } of this.inputs) buffer.accepting = false;
    await this.exitInstances();
    this.scheduler.cancelAll();
    this.stateNow = 'stopped';
  }

  /** Resolves true once every task has settled, false when `grace` seconds passed first. */
  private drainWithinGrace(): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.activeTasks === 0) return resolve(true);
      let ticks = 0;
      const tick = this.scheduler.every(1000, () => {
        if (this.grace !== -1 && ++ticks >= this.grace) {
          tick.cancel();
          this.whenIdle = undefined;
          resolve(false);
        } else {
          this.flush();
        }
      });
      this.whenIdle = () => {
        this.whenIdle = undefined;
        tick.cancel();
        resolve(true);
      };
    });
  }

  /** Grace is over: close every queue and say what is left and where it went. Returns the tasks pending. */
  private closeQueues(): number {
    const pending = this.activeTasks;
    const running = this.outputs.reduce((sum, { queue }) => sum + queue.inFlight, 0);
    let dropped = 0;
    for (const { queue } of this.outputs) dropped += queue.close();
    this.log.warn(
      `[engine] Grace period of ${this.grace} s is over with ${pending} tasks pending: ` +
        `${dropped} records that were queued or waiting for a retry are dropped${this.storage !== undefined ? ' (those of inputs with storage.type filesystem stay on disk for the next start)' : ''}; ` +
        `${running} flushes still running are waited for, and nothing new starts.`,
    );
    return pending;
  }

  /** Outputs' pre-exit and exit, then customs', then inputs', in config order. */
  private async exitInstances(): Promise<void> {
    for (const { queue } of this.outputs) {
      await exitInstance(queue, queue.log, async (instance) => {
        await instance.preExit?.();
        await instance.exit?.();
      });
    }
    for (const custom of this.customs) await exitInstance(custom, custom.log, async (instance) => void (await instance.exit?.()));
    for (const { buffer } of this.inputs) await exitInstance(buffer, buffer.log, async (instance) => void (await instance.exit?.()));
    for (const filter of [...this.filters, ...this.processors]) await exitInstance(filter, filter.log, async (instance) => void (await instance.exit?.()));
  }

  /**
   * An emitter input for a filter (rewrite_tag, multiline): an input like any other — its own
   * buffer, Mem_Buf_Limit, metrics — whose records start the filter chain again under their new
   * tag. While it is paused, so are the inputs that feed the filter, as Fluent Bit does.
   */
  private addEmitter(filter: FilterSlot, name: string, memBufLimit: number): { emitter: FilterEmitter; index: number } {
    if (this.inputs.some(({ buffer }) => buffer.name === name)) {
      throw new CoreError('INIT_FAILED', `${filter.name}: Emitter_Name '${name}' is already the name of an input. Give the emitter another name.`);
    }
    const feeders = () => [...filter.feeders].map((index) => this.inputs[index]!.buffer);
    const slot = createEmitterSlot(this.inputs.length, name, memBufLimit, this.log, this.hooks, {
      pause: () => feeders().forEach((buffer) => buffer.hold(name)),
      resume: () => feeders().forEach((buffer) => buffer.unhold(name)),
    });
    if (this.stateNow === 'stopping' || this.stateNow === 'stopped') slot.buffer.accepting = false;
    this.inputs.push(slot);
    return { index: slot.buffer.index, emitter: slot.emitter };
  }

  /** What is unhealthy right now, one line per instance that says so (empty when all is well). */
  health(): string[] {
    const problems = [...this.inputs.map(({ buffer }) => buffer.instance?.health?.()), ...this.outputs.map(({ queue }) => queue.instance?.health?.())];
    return problems.filter((problem): problem is string => problem !== undefined);
  }

  /** Every input's chunks (the backlog's included), for `/api/v1/storage`. */
  storageStatus(): InputStorageStatus[] {
    return this.inputs.map(({ buffer }) => buffer.storageStatus());
  }

  /** Counters of every instance, and of the backlog filesystem storage found at start (when `storage.path` is set). */
  metrics(): { inputs: InstanceMetrics[]; filters: FilterMetrics[]; outputs: InstanceMetrics[]; storage?: BacklogCounters } {
    return {
      inputs: this.inputs.map(({ buffer }) => ({ ...buffer.metrics })),
      filters: this.filters.map(({ metrics }) => ({ ...metrics })),
      outputs: this.outputs.map(({ queue }) => ({ ...queue.metrics })),
      ...(this.storage === undefined ? {} : { storage: { ...(this.backlog?.chunks.counters ?? { found: 0, irrecoverable: 0, tornFrames: 0 }) } }),
    };
  }
}
