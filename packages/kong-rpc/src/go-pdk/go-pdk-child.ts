import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Logger } from '@tributary/base';
import { FrameConnection } from '../protobuf/frame-connection.js';
import { canConnect } from '../socket-path.js';
import { KongRpcProtocolError } from '../protobuf/protocol-error.js';

/** Restart delays after a crash: 1 s doubling to 30 s, back to 1 s after a minute of running. */
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
const STABLE_MS = 60_000;
const READY_TIMEOUT_MS = 10_000;

/**
 * One go-pdk plugin executable run as a child, as Kong runs it, but with a private
 * `-kong-prefix` (go-pdk removes `<prefix>/<name>.socket` at start, which must never be the
 * sidecar's own): started on first use, its stderr relayed line by line as `[<name>:<pid>]`,
 * respawned with backoff when it dies, stopped with the sidecar. `generation` counts its
 * lives: the instances of a previous one are gone.
 */
export class GoPdkChild {
  generation = 0;
  restarts = 0;
  private process: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly prefix = mkdtempSync(join(tmpdir(), 'tributary-go-pdk-'));
  readonly socketPath: string;
  private readonly idle: FrameConnection[] = [];
  private backoff = FIRST_BACKOFF_MS;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Set while a restart waits out its backoff: fails the calls waiting for it. */
  private cancelRestart: (() => void) | undefined;

  constructor(
    readonly executable: string,
    readonly name: string,
    private readonly log: Logger,
  ) {
    this.socketPath = join(this.prefix, `${basename(executable)}.socket`);
  }

  /** The child's pid while it runs. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** A connection to the child (an idle one, or a new one once it listens). */
  async connection(): Promise<FrameConnection> {
    if (this.stopped) throw new KongRpcProtocolError(`go plugin ${this.name} is stopped`);
    for (let idle = this.idle.pop(); idle !== undefined; idle = this.idle.pop()) if (idle.open) return idle;
    const ready = (this.ready ??= this.spawn());
    try {
      await ready;
    } catch (error) {
      if (this.ready === ready) this.ready = undefined; // the next call tries again
      throw error;
    }
    return new Promise((resolve, reject) => {
      const socket = connect(this.socketPath);
      socket.once('error', (error) => reject(new KongRpcProtocolError(`go plugin ${this.name}: cannot connect to ${this.socketPath}: ${error.message}`)));
      socket.once('connect', () => resolve(new FrameConnection(socket)));
    });
  }

  /** A connection whose call ended cleanly goes back for the next one. */
  release(connection: FrameConnection): void {
    if (connection.open && !this.stopped) this.idle.push(connection);
    else connection.close();
  }

  private spawn(): Promise<void> {
    const child = spawn(this.executable, ['-kong-prefix', this.prefix], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    const startedAt = Date.now();
    let partial = '';
    let listening = false;
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (line.includes('Listening on socket')) listening = true;
        if (line !== '') this.log.info(`[${this.name}:${child.pid}] ${line}`);
      }
    });
    child.on('error', (error) => this.log.error(`go plugin ${this.name}: cannot run ${this.executable}: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (partial !== '') this.log.info(`[${this.name}:${child.pid}] ${partial}`);
      this.process = undefined;
      this.ready = undefined;
      for (const connection of this.idle.splice(0)) connection.close();
      if (this.stopped) return;
      this.generation++;
      this.restarts++;
      if (Date.now() - startedAt > STABLE_MS) this.backoff = FIRST_BACKOFF_MS;
      const delay = this.backoff;
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.log.warn(`go plugin ${this.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); restarting it in ${delay / 1000} s`);
      // Calls meanwhile wait for the restart rather than spawning it early: a crash loop stays backed off.
      const restarted = new Promise<void>((resolve, reject) => {
        this.restartTimer = setTimeout(() => {
          this.cancelRestart = undefined;
          this.spawn().then(resolve, reject);
        }, delay);
        this.restartTimer.unref();
        this.cancelRestart = () => {
          clearTimeout(this.restartTimer);
          reject(new KongRpcProtocolError(`go plugin ${this.name} is stopped`));
        };
      });
      restarted.catch((error: Error) => {
        if (!this.stopped) this.log.error(error.message);
      });
      this.ready = restarted;
    });
    return this.untilListening(child, () => listening);
  }

  /**
   * Until the child listens: go-pdk says so on stderr. A connection probe (which go-pdk logs as
   * `EOF` when it closes unused) is only the fallback, once the first half of the wait is over,
   * for a go-pdk that does not say it.
   */
  private async untilListening(child: ChildProcess, said: () => boolean): Promise<void> {
    const probeFrom = Date.now() + READY_TIMEOUT_MS / 2;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (said() || (Date.now() > probeFrom && (await canConnect(this.socketPath)))) return;
      if (child.exitCode !== null || child.signalCode !== null) throw new KongRpcProtocolError(`go plugin ${this.name} exited before it listened on ${this.socketPath}`);
      if (Date.now() > deadline) throw new KongRpcProtocolError(`go plugin ${this.name} did not listen on ${this.socketPath} within ${READY_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the child (SIGTERM, then SIGKILL after a second) and never restarts it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRestart?.();
    for (const connection of this.idle.splice(0)) connection.close();
    const child = this.process;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 1000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(this.prefix, { recursive: true, force: true });
  }
}
