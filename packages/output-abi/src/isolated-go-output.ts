import { messageOf, type Logger } from '@tributary/base';
import type { EventFormat, FlushChunk, FlushResult, InstanceMetrics, OutputInstance } from '@tributary/core';
import { GoHostProcess, HostDiedError, type HostExit } from './go-host-process.js';
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
}

/** Respawn backoff after consecutive crashes: 0.5 s doubling to 30 s; a flush that succeeds resets it. */
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;

/**
 * A Go output instance run in its own host process (`tributary.isolation process`). A panic,
 * `os.Exit`, a signal or a flush past `tributary.flush_timeout` costs the host: it is
 * respawned (backed off when it crashes in a loop) and re-initialised, and the flushes it was
 * running come back as `retry`, so the engine's retry scheduler and Retry_Limit apply and the
 * rest of the pipeline never stops.
 */
export class IsolatedGoOutput implements OutputInstance {
  readonly eventFormat: EventFormat;
  private host: GoHostProcess | undefined;
  private starting: Promise<GoHostProcess> | undefined;
  private crashes = 0;
  private notBefore = 0;
  private closed = false;

  private constructor(
    private readonly settings: IsolationSettings,
    host: GoHostProcess,
    eventFormat: EventFormat,
  ) {
    this.host = host;
    this.eventFormat = eventFormat;
    this.watch(host);
  }

  /** Spawns the first host and initialises the instance in it; an Init failure fails the instance. */
  static async start(settings: IsolationSettings): Promise<IsolatedGoOutput> {
    const host = new GoHostProcess(settings.path, settings.log);
    try {
      const ready = await IsolatedGoOutput.init(host, settings);
      return new IsolatedGoOutput(settings, host, ready.eventFormat === 'legacy' ? 'legacy' : 'v2');
    } catch (error) {
      await host.kill();
      throw error;
    }
  }

  private static init(host: GoHostProcess, settings: IsolationSettings) {
    return host.request({ op: 'init', name: settings.name, properties: settings.properties, workers: settings.workers });
  }

  /** Why this instance is unhealthy (a crash loop being backed off), or undefined. */
  health(): string | undefined {
    if (this.crashes < 2) return undefined;
    return `${this.settings.name}: the Go host process crashed ${this.crashes} times in a row; next start in ${Math.max(0, this.notBefore - Date.now())} ms`;
  }

  async preRun(): Promise<void> {
    await this.host?.request({ op: 'preRun' });
  }

  async flush(chunk: FlushChunk): Promise<FlushResult> {
    let host: GoHostProcess;
    try {
      host = await this.liveHost();
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
      this.crashes = 0;
      const result = answer.result;
      return result === 'ok' || result === 'retry' ? result : 'error';
    } catch (error) {
      if (error instanceof HostDiedError) return 'retry'; // the crash itself is reported by watch()
      this.settings.log.error(`flush failed in the Go host process: ${messageOf(error)}`);
      return 'error';
    } finally {
      clearTimeout(timer);
    }
  }

  async exit(): Promise<void> {
    this.closed = true;
    const host = this.host;
    if (!host?.alive) return;
    const done = host.request({ op: 'exit' }).catch(() => undefined);
    const timeout = new Promise((resolve) => setTimeout(resolve, EXIT_TIMEOUT_MS).unref());
    await Promise.race([done, timeout]);
    host.close();
    await Promise.race([host.exited, timeout]);
    await host.kill();
  }

  /** The running host, or a new one (after the backoff) initialised like the first. */
  private liveHost(): Promise<GoHostProcess> {
    if (this.host?.alive) return Promise.resolve(this.host);
    this.starting ??= this.respawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async respawn(): Promise<GoHostProcess> {
    const wait = this.notBefore - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (this.closed) throw new Error('the instance is exiting');
    const host = new GoHostProcess(this.settings.path, this.settings.log);
    this.watch(host);
    await IsolatedGoOutput.init(host, this.settings);
    await host.request({ op: 'preRun' });
    this.settings.metrics.restarts++;
    this.settings.log.info(`the Go host process was restarted (restart ${this.settings.metrics.restarts})`);
    this.host = host;
    return host;
  }

  /** Reports an unexpected death, with Go's panic and stack, and backs the next start off. */
  private watch(host: GoHostProcess): void {
    void host.exited.then((exit) => {
      if (this.closed && this.host === host) return;
      if (this.host === host) this.host = undefined;
      this.crashes++;
      this.notBefore = Date.now() + Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (this.crashes - 1));
      this.settings.log.error(describeCrash(exit));
    });
  }
}

function describeCrash(exit: HostExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderrTail.filter((line) => line.trim() !== '');
  return `the Go host process ${how}; in-flight chunks will be retried.${tail.length > 0 ? `\n${tail.join('\n')}` : ''}`;
}
