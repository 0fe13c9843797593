import type { Logger } from '@tributary/base';
import type { InstanceMetrics } from '@tributary/core';
import { GoHostProcess, type HostExit, type HostMessageHandler } from './go-host-process.js';

/** Respawn backoff after consecutive crashes: 0.5 s doubling to 30 s; a success resets it. */
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;

/** What a supervisor needs to run one isolated instance. */
export interface SupervisorOptions {
  readonly path: string;
  readonly name: string;
  readonly log: Logger;
  readonly metrics: InstanceMetrics;
  /** What a crash costs, for the log line that reports it. */
  readonly lost: string;
  /** Initialises the instance in a new host (Init, PreRun ...); a failure of the first start fails the instance. */
  readonly prepare: (host: GoHostProcess) => Promise<void>;
  /** Messages the host sends on its own (a Go input's events). */
  readonly onMessage?: HostMessageHandler;
  /** Called after every unexpected death (an input respawns at once; an output at its next flush). */
  readonly onCrash?: () => void;
}

/**
 * Keeps one Go host process alive for one instance: the first start, then after each death a
 * report (the exit and Go's panic and stack, under the instance's name), a backoff that grows
 * while the host crashes in a loop, and a respawn prepared like the first, counted in the
 * instance's `restarts`.
 */
export class HostSupervisor {
  private current: GoHostProcess | undefined;
  private respawning: Promise<GoHostProcess> | undefined;
  private crashes = 0;
  private notBefore = 0;
  private closed = false;

  constructor(private readonly options: SupervisorOptions) {}

  /** Starts the first host; it rejects (and kills the host) when the instance cannot start. */
  async start(): Promise<GoHostProcess> {
    const host = this.spawn();
    try {
      await this.options.prepare(host);
    } catch (error) {
      this.closed = true;
      await host.kill();
      throw error;
    }
    this.current = host;
    return host;
  }

  /** The running host, or a new one once the backoff allows. */
  live(): Promise<GoHostProcess> {
    if (this.current?.alive) return Promise.resolve(this.current);
    this.respawning ??= this.respawn().finally(() => (this.respawning = undefined));
    return this.respawning;
  }

  /** The running host, if any, without starting one. */
  get host(): GoHostProcess | undefined {
    return this.current?.alive ? this.current : undefined;
  }

  /** A call went through: the crash loop, if there was one, is over. */
  succeeded(): void {
    this.crashes = 0;
  }

  /** Why the instance is unhealthy (a crash loop being backed off), or undefined. */
  health(): string | undefined {
    if (this.crashes < 2) return undefined;
    return `${this.options.name}: the Go host process crashed ${this.crashes} times in a row; next start in ${Math.max(0, this.notBefore - Date.now())} ms`;
  }

  /** From now on a death is the expected end, not a crash. */
  close(): void {
    this.closed = true;
  }

  private spawn(): GoHostProcess {
    const host = new GoHostProcess(this.options.path, this.options.log, this.options.onMessage);
    void host.exited.then((exit) => this.died(host, exit));
    return host;
  }

  private async respawn(): Promise<GoHostProcess> {
    const wait = this.notBefore - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (this.closed) throw new Error('the instance is exiting');
    const host = this.spawn();
    await this.options.prepare(host);
    this.options.metrics.restarts++;
    this.options.log.info(`the Go host process was restarted (restart ${this.options.metrics.restarts})`);
    this.current = host;
    return host;
  }

  private died(host: GoHostProcess, exit: HostExit): void {
    if (this.closed) return;
    if (this.current === host) this.current = undefined;
    this.crashes++;
    this.notBefore = Date.now() + Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (this.crashes - 1));
    this.options.log.error(describeCrash(exit, this.options.lost));
    this.options.onCrash?.();
  }
}

function describeCrash(exit: HostExit, lost: string): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderrTail.filter((line) => line.trim() !== '');
  return `the Go host process ${how}; ${lost}.${tail.length > 0 ? `\n${tail.join('\n')}` : ''}`;
}
