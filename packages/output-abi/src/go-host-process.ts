import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@tributary/base';
import { HostFrameReader, writeHostFrame } from './host-frame.js';

/** The child's entry beside this module: `go-host-child.ts` in the sources, `.js` in the build. */
const here = fileURLToPath(import.meta.url);
const CHILD = join(dirname(here), `go-host-child${extname(here)}`);

/** Node flags of the child: the agent's own, or from sources what running TypeScript needs. */
function childFlags(): string[] {
  if (extname(here) !== '.ts') return process.execArgv;
  return ['--conditions=@tributary/source', '--import', import.meta.resolve('tsx')];
}

/** How a host process ended: an exit code or a signal, and the last lines of its stderr (Go's panic and stack). */
export interface HostExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: readonly string[];
}

/** A call the host could not answer because it died (or was killed) first. */
export class HostDiedError extends Error {
  constructor(readonly exit: HostExit) {
    super(`the Go host process ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}`);
  }
}

/** A frame the host sends without being asked (a Go input's collected events). */
export type HostMessageHandler = (header: Record<string, unknown>, payload: Uint8Array) => void;

interface Pending {
  resolve(body: Record<string, unknown>): void;
  reject(error: Error): void;
}

const STDERR_TAIL = 40;

/**
 * One child process hosting one Go plugin instance: requests go out as host frames on fd 3,
 * each answered once by `seq`. When the child dies every pending request is rejected with a
 * HostDiedError carrying the exit and the tail of its stderr.
 */
export class GoHostProcess {
  readonly exited: Promise<HostExit>;
  private readonly child: ChildProcess;
  private readonly channel: Socket;
  private readonly pending = new Map<number, Pending>();
  private readonly stderrTail: string[] = [];
  private nextSeq = 0;
  private exit: HostExit | undefined;

  constructor(path: string, log: Logger, onMessage?: HostMessageHandler) {
    // Plugins print to stdout: it stays the agent's. stderr is read for the log and the crash report.
    this.child = spawn(process.execPath, [...childFlags(), CHILD, path], { stdio: ['ignore', 'inherit', 'pipe', 'pipe'] });
    this.channel = this.child.stdio[3] as Socket;
    const reader = new HostFrameReader();
    this.channel.on('data', (bytes: Buffer) =>
      reader.push(bytes, ({ header, payload }) => {
        if (header.seq === undefined) return onMessage?.(header, payload);
        const seq = Number(header.seq);
        const call = this.pending.get(seq);
        this.pending.delete(seq);
        if (!call) return;
        if (typeof header.error === 'string') call.reject(new Error(header.error));
        else call.resolve(header);
      }),
    );
    this.channel.on('error', () => {}); // the exit handler reports the death
    let partial = '';
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
        log.info(`[go host ${this.child.pid}] ${line}`);
      }
    });
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        if (partial) this.stderrTail.push(partial);
        this.exit = { code, signal, stderrTail: [...this.stderrTail] };
        for (const call of this.pending.values()) call.reject(new HostDiedError(this.exit));
        this.pending.clear();
        resolve(this.exit);
      }),
    );
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Sends `op` (with the chunk as payload) and resolves with the host's answer. */
  request(header: Record<string, unknown>, payload?: Uint8Array): Promise<Record<string, unknown>> {
    if (this.exit) return Promise.reject(new HostDiedError(this.exit));
    const seq = this.nextSeq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      writeHostFrame(this.channel, { ...header, seq }, payload);
    });
  }

  /** Kills the process (a hung plugin) and resolves once it is gone. */
  kill(): Promise<HostExit> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Asks the host to run its exit hooks (PreExit told of a hot reload) and end; kills it if it has not within `timeoutMs`. */
  async stop(hotReloading = false, timeoutMs = 10_000): Promise<void> {
    if (!this.alive) return;
    const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([this.request({ op: 'exit', hotReloading }).catch(() => undefined), timeout]);
    this.channel.end();
    await Promise.race([this.exited, timeout]);
    await this.kill();
  }
}
