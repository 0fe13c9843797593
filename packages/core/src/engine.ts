import { Chunk } from './chunk.js';
import { resolveConfig, type ConfigMap, type ConfigOf, type Property } from './config-map.js';
import { TributaryError } from './errors.js';
import { toLegacyEvents, writeEvent, type EncodedOrObject, type EventFormat } from './event-codec.js';
import { EventTime } from './event-time.js';
import { createLogger, type Logger } from './logger.js';
import { createRouteMatcher, type RouteSpec } from './match.js';
import { createMetrics, type InstanceMetrics } from './metrics.js';
import { MsgpackWriter } from './msgpack-writer.js';
import type { AppendOptions, FlushResult, InputInstance, InputPlugin, OutputInstance, OutputPlugin } from './plugin.js';
import { DEFAULT_BACKOFF, mayRetry, retryDelaySeconds } from './retry.js';
import { Scheduler, type Timer } from './scheduler.js';

/** One `[INPUT]` of the pipeline. */
export interface EngineInputSpec {
  readonly plugin: InputPlugin<ConfigMap>;
  readonly tag?: string | undefined;
  readonly alias?: string | undefined;
  /** Mem_Buf_Limit in bytes; 0 is unlimited. */
  readonly memBufLimit?: number | undefined;
  readonly properties?: readonly Property[];
}

/** One `[OUTPUT]` of the pipeline. */
export interface EngineOutputSpec extends RouteSpec {
  readonly plugin: OutputPlugin<ConfigMap>;
  readonly alias?: string | undefined;
  /** Retries per chunk: −1 unlimited, 0 none; Fluent Bit's default is 1. */
  readonly retryLimit?: number | undefined;
  /** Concurrent flushes of this instance; 0 and 1 both mean one at a time. */
  readonly workers?: number | undefined;
  readonly properties?: readonly Property[];
}

export interface EngineOptions {
  readonly inputs: readonly EngineInputSpec[];
  readonly outputs: readonly EngineOutputSpec[];
  /** Seconds between flushes (Fluent Bit `Flush`, default 1). */
  readonly flush?: number;
  /** Seconds to keep flushing at shutdown (Fluent Bit `Grace`, default 5; −1 waits for all). */
  readonly grace?: number;
  /** Retry backoff, `scheduler.base` and `scheduler.cap` in seconds. */
  readonly backoff?: { base: number; cap: number };
  readonly logger?: Logger;
  /** Source of randomness for backoff jitter (tests pin it). */
  readonly random?: () => number;
}

interface InputRuntime {
  readonly index: number;
  readonly name: string;
  readonly plugin: InputPlugin<ConfigMap>;
  readonly tag: string;
  readonly memBufLimit: number;
  readonly config: ConfigOf<ConfigMap>;
  readonly log: Logger;
  readonly metrics: InstanceMetrics;
  instance?: InputInstance;
  /** Chunks still taking records, by tag. */
  readonly open: Map<string, Chunk>;
  buffered: number;
  paused: boolean;
  /** How many times Mem_Buf_Limit paused it. */
  pauses: number;
}

interface OutputRuntime {
  readonly name: string;
  readonly spec: EngineOutputSpec;
  format: EventFormat;
  readonly matches: (tag: string) => boolean;
  readonly retryLimit: number;
  readonly concurrency: number;
  readonly config: ConfigOf<ConfigMap>;
  readonly log: Logger;
  readonly metrics: InstanceMetrics;
  instance?: OutputInstance;
  readonly queue: Delivery[];
  inFlight: number;
}

interface Task {
  readonly id: number;
  readonly chunk: Chunk;
  remaining: number;
  legacy?: Uint8Array;
}

interface Delivery {
  readonly task: Task;
  readonly output: OutputRuntime;
  /** Retries done so far (Fluent Bit's `attempts`). */
  attempts: number;
  timer?: Timer;
}

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The pipeline: inputs append records into chunks per (input, tag); every `flush` seconds, or
 * as soon as a chunk is full, chunks become tasks routed to the outputs whose Match selects
 * their tag; each output has a queue drained by up to `workers` concurrent flushes, with
 * Fluent Bit's retry and shutdown semantics. Constructing an engine validates every instance's
 * properties; `start` initialises them.
 */
export class Engine {
  readonly scheduler = new Scheduler();
  readonly log: Logger;
  private readonly inputs: InputRuntime[];
  private readonly outputs: OutputRuntime[];
  /** Chunks that filled up and wait to be dispatched. */
  private readonly ready: Chunk[] = [];
  private readonly retries = new Set<Delivery>();
  private readonly flushSeconds: number;
  private readonly grace: number;
  private readonly backoff: { base: number; cap: number };
  private readonly random: () => number;
  private state: State = 'new';
  private activeTasks = 0;
  private nextTaskId = 0;
  private idleWaiters: Array<() => void> = [];
  private flushWaiters: Array<() => void> = [];
  private stopping?: Promise<void>;

  constructor(options: EngineOptions) {
    this.log = options.logger ?? createLogger();
    this.flushSeconds = options.flush ?? 1;
    this.grace = options.grace ?? 5;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.inputs = options.inputs.map((spec, index) => this.createInput(spec, index));
    const routeAll = options.inputs.length === 1 && options.outputs.length === 1;
    this.outputs = options.outputs.map((spec, index) => this.createOutput(spec, index, routeAll));
  }

  private createInput(spec: EngineInputSpec, index: number): InputRuntime {
    const name = spec.alias ?? `${spec.plugin.name}.${index}`;
    return {
      index,
      name,
      plugin: spec.plugin,
      tag: spec.tag ?? `${spec.plugin.name}.${index}`,
      memBufLimit: spec.memBufLimit ?? 0,
      config: resolveConfig(name, spec.plugin.configMap, spec.properties ?? []),
      log: this.log.child(`input:${spec.plugin.name}:${name}`),
      metrics: createMetrics(name),
      open: new Map(),
      buffered: 0,
      paused: false,
      pauses: 0,
    };
  }

  private createOutput(spec: EngineOutputSpec, index: number, routeAll: boolean): OutputRuntime {
    const name = spec.alias ?? `${spec.plugin.name}.${index}`;
    const log = this.log.child(`output:${spec.plugin.name}:${name}`);
    let route: RouteSpec = spec;
    if (spec.match === undefined && spec.matchRegex === undefined) {
      // Fluent Bit's one exception: a lone input and a lone output need no Match.
      if (routeAll) route = { match: '*' };
      else log.warn(`NO match for ${name} output instance: it receives no records. Add 'Match *' or a tag pattern.`);
    }
    const { configMap } = spec.plugin;
    return {
      name,
      spec,
      format: spec.plugin.eventFormat ?? 'v2',
      matches: createRouteMatcher(route),
      retryLimit: spec.retryLimit ?? 1,
      concurrency: Math.max(1, spec.workers ?? 0),
      config: configMap === undefined ? {} : resolveConfig(name, configMap, spec.properties ?? []),
      log,
      metrics: createMetrics(name),
      queue: [],
      inFlight: 0,
    };
  }

  /** Initialises inputs then outputs in config order, and starts the flush timer. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('the engine was already started');
    // Inputs may append while outputs initialise (a Go init runs off the event loop), but
    // nothing is dispatched and no collector runs until every output is ready.
    this.state = 'starting';
    let current = '';
    try {
      for (const input of this.inputs) {
        current = `input '${input.name}'`;
        input.instance = await input.plugin.init(this.inputContext(input));
      }
      for (const output of this.outputs) {
        current = `output '${output.name}'`;
        output.instance = await output.spec.plugin.init({
          config: output.config,
          properties: output.spec.properties ?? [],
          name: output.name,
          log: output.log,
          workers: output.concurrency,
        });
        output.format = output.instance.eventFormat ?? output.format;
      }
      for (const output of this.outputs) {
        current = `output '${output.name}'`;
        await output.instance?.preRun?.();
      }
    } catch (error) {
      await this.exitInstances();
      this.scheduler.cancelAll();
      this.state = 'stopped';
      throw new TributaryError('INIT_FAILED', `failed to initialize ${current}: ${messageOf(error)}`, { cause: error });
    }
    this.state = 'running';
    this.scheduler.every(this.flushSeconds * 1000, () => this.flush());
    this.log.info(`[engine] started (pid=${process.pid})`);
    this.flushReady();
  }

  private inputContext(input: InputRuntime) {
    return {
      config: input.config,
      name: input.name,
      tag: input.tag,
      log: input.log,
      append: (body: EncodedOrObject, options?: AppendOptions) => this.append(input, body, options),
      get paused() {
        return input.paused;
      },
      collectEvery: (ms: number, collect: () => void): Timer =>
        this.scheduler.every(ms, () => {
          if (this.state !== 'running' || input.paused) return;
          try {
            collect();
          } catch (error) {
            input.log.error(`collector failed: ${messageOf(error)}`);
          }
        }),
    };
  }

  private append(input: InputRuntime, body: EncodedOrObject, options: AppendOptions = {}): boolean {
    if (input.paused || this.state === 'stopped') {
      input.metrics.droppedRecords++;
      return false;
    }
    const tag = options.tag ?? input.tag;
    let chunk = input.open.get(tag);
    if (!chunk) {
      chunk = new Chunk(tag, input.index);
      input.open.set(tag, chunk);
    }
    const before = chunk.size;
    try {
      writeEvent(chunk.writer, 'v2', options.time ?? EventTime.now(), body, options.metadata);
    } catch (error) {
      // Roll back the partial record: a chunk must only ever hold whole records, and a chunk
      // left empty is dropped (Fluent Bit never flushes an empty chunk).
      chunk.writer.length = before;
      if (chunk.records === 0) {
        input.open.delete(tag);
        chunk.recycle();
      }
      throw new TributaryError('INVALID_RECORD', `${input.name}: cannot encode the record: ${messageOf(error)}`, { cause: error });
    }
    const added = chunk.size - before;
    chunk.records++;
    input.buffered += added;
    input.metrics.records++;
    input.metrics.bytes += added;
    if (chunk.full) {
      input.open.delete(tag);
      this.ready.push(chunk);
      if (this.ready.length === 1) queueMicrotask(() => this.flushReady());
    }
    if (input.memBufLimit > 0 && input.buffered >= input.memBufLimit) {
      this.pause(input, `mem buf overlimit (${input.buffered} bytes >= ${input.memBufLimit})`);
    }
    return true;
  }

  /** Turns every chunk into a task now (the flush timer does this every `flush` seconds). */
  flush(): void {
    if (this.state === 'new' || this.state === 'starting') return;
    this.flushReady();
    for (const input of this.inputs) {
      if (input.open.size === 0) continue;
      const chunks = [...input.open.values()];
      input.open.clear();
      for (const chunk of chunks) this.dispatch(chunk);
    }
  }

  /** Dispatches the chunks that filled up, without waiting for the flush timer. */
  private flushReady(): void {
    if (this.state === 'new' || this.state === 'starting' || this.ready.length === 0) return;
    for (const chunk of this.ready.splice(0)) this.dispatch(chunk);
  }

  private dispatch(chunk: Chunk): void {
    const targets = this.outputs.filter((output) => output.matches(chunk.tag));
    if (targets.length === 0) {
      this.log.debug(`[router] no output matches tag '${chunk.tag}': ${chunk.records} records discarded`);
      this.release(chunk);
      return;
    }
    const task: Task = { id: this.nextTaskId++, chunk, remaining: targets.length };
    this.activeTasks++;
    for (const output of targets) {
      output.queue.push({ task, output, attempts: 0 });
      this.pump(output);
    }
  }

  private pump(output: OutputRuntime): void {
    while (output.inFlight < output.concurrency && output.queue.length > 0) {
      void this.deliver(output, output.queue.shift()!);
    }
  }

  private async deliver(output: OutputRuntime, delivery: Delivery): Promise<void> {
    const { task } = delivery;
    output.inFlight++;
    let result: FlushResult;
    try {
      result = await output.instance!.flush({
        data: this.payload(task, output.format),
        tag: task.chunk.tag,
        records: task.chunk.records,
      });
    } catch (error) {
      output.log.error(`flush failed: ${messageOf(error)}`);
      result = 'error';
    }
    output.inFlight--;
    this.settle(delivery, result);
    this.pump(output);
    if (this.flushWaiters.length > 0 && !this.outputs.some((o) => o.inFlight > 0)) {
      for (const wake of this.flushWaiters.splice(0)) wake();
    }
  }

  private payload(task: Task, format: EventFormat): Uint8Array {
    const bytes = task.chunk.writer.bytes();
    if (format === 'v2') return bytes;
    if (!task.legacy) {
      const writer = new MsgpackWriter(bytes.length);
      toLegacyEvents(bytes, writer);
      task.legacy = writer.bytes();
    }
    return task.legacy;
  }

  private settle(delivery: Delivery, result: FlushResult): void {
    const { task, output } = delivery;
    const { chunk } = task;
    const metrics = output.metrics;
    if (result === 'ok') {
      metrics.procRecords += chunk.records;
      metrics.procBytes += chunk.size;
      this.finish(delivery);
    } else if (result === 'retry') {
      this.retry(delivery);
    } else {
      if (result !== 'error') output.log.error(`flush returned an unknown result ${String(result)}: treated as an error`);
      metrics.errors++;
      metrics.droppedRecords += chunk.records;
      output.log.warn(`chunk '${chunk.tag}' (${chunk.records} records) failed and is dropped: task_id=${task.id}`);
      this.finish(delivery);
    }
  }

  private retry(delivery: Delivery): void {
    const { task, output } = delivery;
    const metrics = output.metrics;
    if (!mayRetry(output.retryLimit, delivery.attempts)) {
      metrics.retriesFailed++;
      metrics.droppedRecords += task.chunk.records;
      const why = output.retryLimit === 0 ? 'is not retried (Retry_Limit no_retries)' : `cannot be retried (Retry_Limit ${output.retryLimit} reached)`;
      output.log.warn(`chunk '${task.chunk.tag}' ${why}: task_id=${task.id}, ${task.chunk.records} records dropped`);
      this.finish(delivery);
      return;
    }
    delivery.attempts++;
    metrics.retries++;
    metrics.retriedRecords += task.chunk.records;
    const seconds = this.state === 'running' ? retryDelaySeconds(delivery.attempts, this.backoff, this.random) : 1;
    output.log.warn(`failed to flush chunk '${task.chunk.tag}', retry in ${seconds} seconds: task_id=${task.id}`);
    this.retries.add(delivery);
    delivery.timer = this.scheduler.after(seconds * 1000, () => this.requeue(delivery));
  }

  private requeue(delivery: Delivery): void {
    this.retries.delete(delivery);
    delivery.timer = undefined;
    delivery.output.queue.push(delivery);
    this.pump(delivery.output);
  }

  private finish(delivery: Delivery): void {
    const task = delivery.task;
    if (--task.remaining > 0) return;
    this.activeTasks--;
    this.release(task.chunk);
    if (this.activeTasks === 0 && this.ready.length === 0 && this.inputs.every((input) => input.open.size === 0)) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private release(chunk: Chunk): void {
    const input = this.inputs[chunk.input]!;
    input.buffered -= chunk.size;
    chunk.recycle();
    if (input.paused && this.state === 'running' && input.buffered < input.memBufLimit) this.resume(input);
  }

  private pause(input: InputRuntime, why: string): void {
    if (input.paused) return;
    input.paused = true;
    input.pauses++;
    // A busy pipeline pauses an input many times a second: warn once, then keep it at debug.
    if (why === 'shutdown') input.log.info(`pausing ${input.name}`);
    else if (input.pauses === 1) input.log.warn(`paused (${why}); further pauses are logged at debug level`);
    else input.log.debug(`paused (${why})`);
    input.instance?.pause?.();
  }

  private resume(input: InputRuntime): void {
    input.paused = false;
    input.log.debug('resume (mem buf overlimit)');
    input.instance?.resume?.();
  }

  /**
   * Fluent Bit's shutdown: pause every input, run pending retries now, and keep flushing until
   * nothing is pending or `grace` seconds have passed; then wait for flushes already running,
   * and call the outputs' pre-exit and exit hooks, then the inputs' exit hooks, in config order.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    for (const input of this.inputs) this.pause(input, 'shutdown');
    this.scheduler.cancelAll();
    for (const delivery of [...this.retries]) {
      delivery.timer?.cancel();
      this.requeue(delivery);
    }
    this.flush();
    const pending = await this.drain();
    if (pending > 0) this.dropPending();
    await this.whenNoFlushRuns();
    this.log.info(`[engine] service has stopped (${pending} pending tasks)`);
    await this.exitInstances();
    this.scheduler.cancelAll();
    this.state = 'stopped';
  }

  /** Resolves with the number of tasks still pending when everything settled or grace ran out. */
  private drain(): Promise<number> {
    return new Promise((resolve) => {
      if (this.activeTasks === 0) return resolve(0);
      let ticks = 0;
      const tick = this.scheduler.every(1000, () => {
        ticks++;
        if (this.grace !== -1 && ticks >= this.grace) {
          tick.cancel();
          resolve(this.activeTasks);
        } else {
          this.flush();
        }
      });
      this.idleWaiters.push(() => {
        tick.cancel();
        resolve(0);
      });
    });
  }

  private dropPending(): void {
    for (const delivery of [...this.retries]) {
      delivery.timer?.cancel();
      this.retries.delete(delivery);
      delivery.output.metrics.droppedRecords += delivery.task.chunk.records;
    }
    for (const output of this.outputs) {
      for (const delivery of output.queue.splice(0)) output.metrics.droppedRecords += delivery.task.chunk.records;
    }
  }

  /** Flushes already running cannot be cancelled (a Go flush owns its thread): wait for them. */
  private whenNoFlushRuns(): Promise<void> {
    if (!this.outputs.some((output) => output.inFlight > 0)) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  private async exitInstances(): Promise<void> {
    for (const output of this.outputs) {
      const instance = output.instance;
      if (!instance) continue;
      output.instance = undefined;
      try {
        await instance.preExit?.();
        await instance.exit?.();
      } catch (error) {
        output.log.error(`exit failed: ${messageOf(error)}`);
      }
    }
    for (const input of this.inputs) {
      const instance = input.instance;
      input.instance = undefined;
      try {
        await instance?.exit?.();
      } catch (error) {
        input.log.error(`exit failed: ${messageOf(error)}`);
      }
    }
  }

  /** Counters of every instance. */
  metrics(): { inputs: InstanceMetrics[]; outputs: InstanceMetrics[] } {
    return { inputs: this.inputs.map((i) => ({ ...i.metrics })), outputs: this.outputs.map((o) => ({ ...o.metrics })) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
