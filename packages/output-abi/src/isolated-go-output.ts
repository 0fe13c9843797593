import { messageOf, type Logger } from '@tributary/base';
import type { EventFormat, FlushChunk, FlushResult, InstanceMetrics, Lifecycle, OutputInstance } from '@tributary/core';
import { HostDiedError, type GoHostProcess } from './go-host-process.js';
import { HostSupervisor } from './host-supervisor.js';
import type { InstanceProperty } from './property-api.js';

/** How an isolated instance is run: its `.so`, properties, and Tributary's own settings. */
export interface IsolationSettings {
  readonly path: string;
  readonly name: string;
  readonly properties: readonly InstanceProperty[];
  readonly workers: number;
  /** A flush running longer is a hung plugin: the host is killed and the chunk retried. */
  readonly flushTimeoutMs: number;
  readonly log: Logger;
  readonly metrics: InstanceMetrics;
  /** Hot-reload state, passed on to the host's PreRun and PreExit. */
  readonly lifecycle: Lifecycle | undefined;
}

/**
 * A Go output instance run in its own host process (`tributary.isolation process`). A panic,
 * `os.Exit`, a signal or a flush past `tributary.flush_timeout` costs the host: it is
 * respawned (backed off while it crashes in a loop) and re-initialised at the next flush, and
 * the flushes it was running come back as `retry`, so the engine's retry scheduler and
 * Retry_Limit apply and the rest of the pipeline never stops.
 */
export class IsolatedGoOutput implements OutputInstance {
  private constructor(
    private readonly settings: IsolationSettings,
    private readonly supervisor: HostSupervisor,
    readonly eventFormat: EventFormat,
  ) {}

  /** Spawns the first host and initialises the instance in it; an Init failure fails the instance. */
  static async start(settings: IsolationSettings): Promise<IsolatedGoOutput> {
    let eventFormat: EventFormat = 'v2';
    let started = false;
    const supervisor = new HostSupervisor({
      path: settings.path,
      name: settings.name,
      log: settings.log,
      metrics: settings.metrics,
      lost: 'in-flight chunks will be retried',
      prepare: async (host) => {
        const ready = await host.request({
          op: 'init',
          kind: 'output',
          name: settings.name,
          properties: settings.properties,
          workers: settings.workers,
          hotReloadEnabled: settings.lifecycle?.hotReloadEnabled ?? false,
        });
        if (ready.eventFormat === 'legacy') eventFormat = 'legacy';
        // A respawned host runs PreRun itself; the first one when the engine says so.
        if (started) await host.request({ op: 'preRun' });
      },
    });
    await supervisor.start();
    started = true;
    return new IsolatedGoOutput(settings, supervisor, eventFormat);
  }

  health(): string | undefined {
    return this.supervisor.health();
  }

  async preRun(): Promise<void> {
    await this.supervisor.host?.request({ op: 'preRun' });
  }

  async flush(chunk: FlushChunk): Promise<FlushResult> {
    let host: GoHostProcess;
    try {
      host = await this.supervisor.live();
    } catch (error) {
      this.settings.log.warn(`the Go host process cannot start (${messageOf(error)}): the chunk will be retried`);
      return 'retry';
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), this.settings.flushTimeoutMs)));
    try {
      const answer = await Promise.race([host.request({ op: 'flush', tag: chunk.tag, records: chunk.records }, chunk.data), hung]);
      if (answer === 'hung') {
        this.settings.log.error(`a flush ran past tributary.flush_timeout (${this.settings.flushTimeoutMs} ms): killing the Go host process; the chunk will be retried`);
        await host.kill();
        return 'retry';
      }
      this.supervisor.succeeded();
      const result = answer.result;
      return result === 'ok' || result === 'retry' ? result : 'error';
    } catch (error) {
      if (error instanceof HostDiedError) return 'retry'; // the supervisor reports the crash
      this.settings.log.error(`flush failed in the Go host process: ${messageOf(error)}`);
      return 'error';
    } finally {
      clearTimeout(timer);
    }
  }

  async exit(): Promise<void> {
    this.supervisor.close();
    await this.supervisor.host?.stop(this.settings.lifecycle?.hotReloading ?? false);
  }
}
