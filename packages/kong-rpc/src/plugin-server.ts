import { createPdk, type PdkCall } from './pdk.js';
import type { PdkFrames } from './protobuf/pdk-methods.js';
import type { EmittedRecord, Phase } from './plugin-definition.js';
import { PluginEvent, type EventMessage } from './plugin-event.js';
import { pluginInfo, type PluginInfo } from './plugin-info.js';
import { loadPluginDirectory, type LoadedPlugin, type PluginInstanceRuntime } from './plugin-loader.js';
import { silentLogger, TributaryError, type Logger } from '@tributary/base';
import { noPluginInstance, RpcError } from './kong-rpc-error.js';

/** Something that owns timers (the sidecar passes its engine's scheduler). */
export interface TimerOwner {
  every(ms: number, run: () => void): { cancel(): void };
}

const defaultTimers: TimerOwner = {
  every(ms, run) {
    const handle = setInterval(run, ms);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
};

export interface PluginServerOptions {
  log?: Logger;
  /** Receives what plugins `emit`; absent, emitting does nothing. */
  emit?: (tag: string, record: EmittedRecord) => void;
  timers?: TimerOwner;
  /** Instances with no event for this long are dropped (Kong restarts them on "No plugin instance"). Default 10 minutes. */
  instanceIdleMs?: number;
  /** Events Kong has not stepped for this long are abandoned (Kong's own read timeout is 60 s). Default 65 s. */
  eventIdleMs?: number;
  /**
   * With several servers behind one socket (`--workers`): ids are `offset + n * stride`, so
   * that an instance or event id tells which server holds it (`id % stride`). Default 0 and 1.
   */
  idOffset?: number;
  idStride?: number;
}

interface Instance {
  readonly id: number;
  readonly plugin: LoadedPlugin;
  readonly config: Record<string, unknown>;
  readonly runtime: PluginInstanceRuntime;
  readonly startTime: number;
  lastUsed: number;
}

/** An instance as Kong's `InstanceStatus` reports it. */
export interface InstanceStatus {
  Name: string;
  Id: number;
  Config: Record<string, unknown>;
  StartTime: number;
}

/** A method whose answer is the event's next message, which may not exist yet. */
class EventReply {
  constructor(readonly event: PluginEvent) {}
}

const STEP_METHODS = ['Step', 'StepCredential', 'StepConsumer', 'StepRoute', 'StepService', 'StepMemoryStats', 'StepMultiMap', 'StepPlugin'];

/**
 * The state and methods of a Kong plugin server (spec 2.1): plugins, instances and events,
 * all global — steps of one event arrive on different connections. `handle` is the RPC entry
 * point for every `plugin.<Method>`.
 */
export class PluginServer {
  private readonly plugins = new Map<string, LoadedPlugin>();
  private readonly instances = new Map<number, Instance>();
  private readonly events = new Map<number, PluginEvent>();
  private readonly lastStart = new Map<string, number>();
  private readonly lastClose = new Map<string, number>();
  private nextInstanceId: number;
  private nextEventId: number;
  private readonly idStride: number;
  private readonly log: Logger;
  private readonly sweeper: { cancel(): void };
  private readonly methods: Record<string, (param: unknown) => unknown>;

  constructor(
    plugins: readonly LoadedPlugin[],
    private readonly options: PluginServerOptions = {},
  ) {
    for (const plugin of plugins) this.plugins.set(plugin.name, plugin);
    this.log = options.log ?? silentLogger;
    this.nextInstanceId = this.nextEventId = options.idOffset ?? 0;
    this.idStride = options.idStride ?? 1;
    const step = (param: unknown) => this.step(param, false);
    this.methods = {
      GetStatus: () => this.getStatus(),
      GetPluginInfo: (name) => this.pluginInfo(String(name)),
      StartInstance: (param) => this.startInstance(param),
      InstanceStatus: (id) => this.status(this.instance(id)),
      CloseInstance: (id) => this.closeInstance(id),
      HandleEvent: (param) => this.handleEvent(param),
      StepError: (param) => this.step(param, true),
      SetPluginDir: (dir) => this.setPluginDir(dir),
      ...Object.fromEntries(STEP_METHODS.map((name) => [name, step])),
    };
    this.sweeper = (options.timers ?? defaultTimers).every(5000, () => this.sweep());
  }

  /**
   * RPC entry point: `method` is e.g. `plugin.HandleEvent`, `params` Kong's one-element array;
   * `respond` is called once with the error text or the result.
   */
  dispatch(method: string, params: readonly unknown[], respond: (error: string | null, result?: unknown) => void): void {
    const dot = method.indexOf('.');
    const namespace = method.slice(0, dot);
    if (namespace !== 'plugin') return respond(`RPC for ${namespace || method} is not supported`);
    const implementation = this.methods[method.slice(dot + 1)];
    if (!implementation) return respond(`method ${method.slice(dot + 1)} not implemented`);
    try {
      const result = implementation(params[0]);
      if (result instanceof EventReply) {
        result.event.next((message) => {
          const settled = this.settle(result.event, message);
          if (typeof message === 'object' && 'error' in message) respond(message.error);
          else respond(null, settled);
        });
      }
      else if (result instanceof Promise) result.then((value) => respond(null, value), (error: unknown) => respond(errorText(error)));
      else respond(null, result);
    } catch (error) {
      respond(errorText(error));
    }
  }

  /** The promise form of `dispatch`, for embedding and tests. */
  handle(method: string, params: readonly unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => this.dispatch(method, params, (error, result) => (error === null ? resolve(result) : reject(new RpcError(error)))));
  }

  /** PluginInfo of every plugin, as `--dump-all-plugins` prints it. */
  allPluginInfo(): PluginInfo[] {
    return [...this.plugins.values()].map(pluginInfo);
  }

  /** The plugin of that name, when it is served. */
  plugin(name: string): LoadedPlugin | undefined {
    return this.plugins.get(name);
  }

  pluginInfo(name: string): PluginInfo {
    const plugin = this.plugins.get(name);
    if (!plugin) throw new RpcError(`plugin '${name}' is not loaded; loaded plugins: ${[...this.plugins.keys()].join(', ') || '(none)'}`);
    return pluginInfo(plugin);
  }

  /** Events waiting on Kong right now (for monitoring; a leak shows here). */
  get runningEvents(): number {
    return this.events.size;
  }

  /** Live instances. */
  get runningInstances(): number {
    return this.instances.size;
  }

  get pluginNames(): string[] {
    return [...this.plugins.keys()];
  }

  /** Stops the sweeper; running handlers are abandoned, and plugins that run outside this process (go-pdk children) are stopped. */
  async close(): Promise<void> {
    this.sweeper.cancel();
    for (const event of this.events.values()) event.abandon('the plugin server is shutting down');
    this.events.clear();
    await Promise.all([...this.plugins.values()].map((plugin) => plugin.close?.()));
  }

  /**
   * `plugin.SetPluginDir`: loads the plugins of `dir` (as at start-up) and serves them from
   * now on; instances already started keep running.
   */
  private async setPluginDir(dir: unknown): Promise<string> {
    const path = Buffer.isBuffer(dir) ? dir.toString('utf8') : String(dir);
    const plugins = await loadPluginDirectory(path, this.log).catch((error: Error) => {
      throw new RpcError(error.message);
    });
    for (const old of this.plugins.values()) void old.close?.();
    this.plugins.clear();
    for (const plugin of plugins) this.plugins.set(plugin.name, plugin);
    return 'ok';
  }

  private getStatus() {
    const plugins: Record<string, unknown> = {};
    for (const plugin of this.plugins.values()) {
      plugins[plugin.name] = {
        Name: plugin.name,
        Modtime: plugin.modTime,
        LoadTime: plugin.loadTime,
        Instances: [...this.instances.values()].filter((i) => i.plugin === plugin).map((i) => this.status(i)),
        LastStartInstance: this.lastStart.get(plugin.name) ?? 0,
        LastCloseInstance: this.lastClose.get(plugin.name) ?? 0,
      };
    }
    return { Pid: process.pid, Plugins: plugins };
  }

  private startInstance(param: unknown): InstanceStatus {
    const { Name: name, Config: configText } = (param ?? {}) as { Name?: unknown; Config?: unknown };
    return this.start(String(name), Buffer.isBuffer(configText) ? configText.toString('utf8') : String(configText ?? '{}'));
  }

  /** Starts an instance of plugin `name` with Kong's JSON config; an RpcError names what is wrong. */
  start(name: string, configText: string): InstanceStatus {
    const plugin = this.plugins.get(name);
    if (!plugin) throw new RpcError(`plugin '${name}' is not loaded; loaded plugins: ${this.pluginNames.join(', ') || '(none)'}`);
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(configText) as Record<string, unknown>;
    } catch (error) {
      throw new RpcError(`invalid Config for plugin '${plugin.name}': not JSON (${(error as Error).message})`);
    }
    let runtime: PluginInstanceRuntime;
    try {
      runtime = plugin.start(config);
    } catch (error) {
      throw new RpcError(`plugin '${plugin.name}' failed to start an instance: ${(error as Error).message}`);
    }
    const now = Date.now() / 1000;
    const instance: Instance = { id: this.nextInstanceId, plugin, config, runtime, startTime: now, lastUsed: Date.now() };
    this.nextInstanceId += this.idStride;
    this.instances.set(instance.id, instance);
    this.lastStart.set(plugin.name, now);
    this.log.debug(`started instance ${instance.id} of ${plugin.name}`);
    return this.status(instance);
  }

  /** The status of instance `id`; "no plugin instance" when there is none. */
  instanceStatus(id: number): InstanceStatus {
    return this.status(this.instance(id));
  }

  /**
   * Runs the `phase` handler of instance `id` to its end with PDK calls made through `call` (a
   * protocol's own event), never rejecting: a handler that throws is logged, and a broken
   * conversation resolves with its message. Throws at once,
   * before anything runs, for an unknown instance or a phase the plugin does not handle.
   */
  runEvent(id: number, phase: string, call: PdkCall, frames?: PdkFrames): Promise<string | undefined> {
    const instance = this.instance(id);
    if (!instance.plugin.phases.includes(phase as Phase)) throw new RpcError(`undefined method ${phase} on plugin ${instance.plugin.name}`);
    instance.lastUsed = Date.now();
    return this.runHandler(instance, phase as Phase, call, frames);
  }

  /**
   * Runs a handler to its end, never rejecting: resolves with the message of a broken
   * conversation (a go-pdk child gone: a TributaryError), undefined otherwise — a plugin's own
   * bug is logged with its stack and its event ends normally.
   */
  private runHandler(instance: Instance, phase: Phase, call: PdkCall, frames?: PdkFrames): Promise<string | undefined> {
    const context = { config: instance.config, instanceId: instance.id, emit: this.options.emit ?? (() => {}) };
    return instance.runtime.run(phase, createPdk(call), context, frames).then(
      () => undefined,
      (error: unknown) => {
        const broken = TributaryError.isInstance(error);
        const detail = broken ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.log.error(`plugin ${instance.plugin.name} failed in ${phase}: ${detail}`);
        return broken ? `plugin ${instance.plugin.name} failed in ${phase}: ${error.message}` : undefined;
      },
    );
  }

  private instance(id: unknown): Instance {
    const instance = this.instances.get(Number(id));
    if (!instance) throw noPluginInstance(id);
    return instance;
  }

  private status(instance: Instance): InstanceStatus {
    return { Name: instance.plugin.name, Id: instance.id, Config: instance.config, StartTime: instance.startTime };
  }

  /** `CloseInstance`: forgets instance `id`; "no plugin instance" when there is none. */
  closeInstance(id: unknown): InstanceStatus {
    const instance = this.instance(id);
    this.instances.delete(instance.id);
    instance.runtime.close?.();
    this.lastClose.set(instance.plugin.name, Date.now() / 1000);
    return this.status(instance);
  }

  private handleEvent(param: unknown): EventReply {
    const { InstanceId: instanceId, EventName: phase } = (param ?? {}) as { InstanceId?: unknown; EventName?: unknown };
    const instance = this.instance(instanceId);
    if (!instance.plugin.phases.includes(phase as Phase)) {
      throw new RpcError(`undefined method ${String(phase)} on plugin ${instance.plugin.name}`);
    }
    instance.lastUsed = Date.now();
    const event = new PluginEvent(this.nextEventId, instance.id);
    this.nextEventId += this.idStride;
    this.events.set(event.id, event);
    // The handler starts after this call returns and runs until its first PDK call or its end.
    // A broken conversation (a go-pdk child gone) answers Kong's pending step with its error.
    queueMicrotask(() => void this.runHandler(instance, phase as Phase, (method, args) => event.call(method, args)).then((failure) => (failure === undefined ? event.finish() : event.abort(failure))));
    return new EventReply(event);
  }

  private step(param: unknown, isError: boolean): EventReply {
    const { EventId: eventId, Data: data } = (param ?? {}) as { EventId?: unknown; Data?: unknown };
    const event = this.events.get(Number(eventId));
    if (!event) throw new RpcError(`no running event ${String(eventId)}`);
    if (isError) event.fail(Buffer.isBuffer(data) ? data.toString('utf8') : String(data ?? 'unknown error'));
    else event.answer(data ?? null);
    return new EventReply(event);
  }

  /** The reply to HandleEvent/Step: the event's next message; the last one retires the event. */
  private settle(event: PluginEvent, message: EventMessage): { EventId: number; Data: EventMessage } {
    if (PluginEvent.isLast(message)) this.events.delete(event.id);
    return { EventId: event.id, Data: message };
  }

  /** Drops idle instances and events Kong stopped stepping (it aborted, or its 60 s read timed out). */
  private sweep(): void {
    const now = Date.now();
    const eventIdle = this.options.eventIdleMs ?? 65_000;
    for (const event of this.events.values()) {
      if (now - event.lastActive > eventIdle) {
        this.events.delete(event.id);
        event.abandon(`Kong did not step event ${event.id} for ${Math.round(eventIdle / 1000)} s`);
        this.log.warn(`abandoned event ${event.id} of instance ${event.instanceId}: Kong stopped stepping it`);
      }
    }
    const instanceIdle = this.options.instanceIdleMs ?? 600_000;
    const busy = new Set([...this.events.values()].map((e) => e.instanceId));
    for (const instance of this.instances.values()) {
      if (!busy.has(instance.id) && now - instance.lastUsed > instanceIdle) {
        this.instances.delete(instance.id);
        instance.runtime.close?.();
        this.lastClose.set(instance.plugin.name, now / 1000);
        this.log.debug(`dropped idle instance ${instance.id} of ${instance.plugin.name}`);
      }
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
