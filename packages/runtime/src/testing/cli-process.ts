import { spawn, type ChildProcess } from 'node:child_process';

/** tsx, resolved here: `--import tsx` alone would be looked up from the child's working directory. */
const TSX = import.meta.resolve('tsx');

/** How to start a CLI from its TypeScript sources, as the test suites of the apps do. */
export interface CliProcessOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** The signal `stop()` sends by default (SIGINT for the agent, SIGTERM as Kong sends). */
  readonly stopSignal?: NodeJS.Signals;
  /** Written to the process's standard input, which is then closed (otherwise it has none). */
  readonly stdin?: string | Uint8Array;
}

/** A running CLI subprocess with its output collected; disposing of it kills it. */
export interface CliProcess extends AsyncDisposable {
  readonly child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code (null when a signal ended it) once its output is all read. */
  readonly exited: Promise<number | null>;
  /** Resolves with the complete lines of stdout once it has at least `lines` of them. */
  waitForLines(lines: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves once stderr satisfies `test`; rejects when the process exits first or on timeout. */
  waitForStderr(test: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Sends `signal` (unless the process is gone) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `node <cli.ts> ...args` from sources (tsx, the `@tributary/source` condition), with
 * stdout and stderr collected as text.
 */
export function startCli(cli: string, args: readonly string[], options: CliProcessOptions = {}): CliProcess {
  const child = spawn(process.execPath, ['--conditions=@tributary/source', '--import', TSX, cli, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code: number | null) => resolve(code)));
  const report = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;

  /** Resolves once `done()` holds, checking on every chunk of output and when the process exits. */
  const waitUntil = <T>(done: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        settle();
      };
      const check = () => {
        const value = done();
        if (value !== undefined) finish(() => resolve(value));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}; ${report()}`))), timeoutMs);
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      // Output still in the pipes arrives before 'close'; give it that long before giving up.
      void exited.then(() => {
        check();
        finish(() => reject(new Error(`the process exited (code ${child.exitCode}) before ${what}; ${report()}`)));
      });
      check();
    });

  const stop = async (signal = options.stopSignal ?? 'SIGINT') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitForLines(lines, timeoutMs = 20_000) {
      return waitUntil(
        () => {
          const complete = stdout.split('\n').slice(0, -1);
          return complete.length >= lines ? complete : undefined;
        },
        `${lines} lines of stdout`,
        timeoutMs,
      );
    },
    waitForStderr(test, timeoutMs = 20_000) {
      const matches = () => (typeof test === 'string' ? stderr.includes(test) : test.test(stderr));
      return waitUntil(() => (matches() ? true : undefined), `stderr to show ${String(test)}`, timeoutMs).then(() => undefined);
    },
    stop,
    async [Symbol.asyncDispose]() {
      await stop('SIGKILL');
    },
  };
}

/** Runs a CLI to its end (help, dry run, errors) and returns its exit code and output. */
export async function runCliToEnd(cli: string, args: readonly string[], options: CliProcessOptions = {}) {
  const cliProcess = startCli(cli, args, options);
  const code = await cliProcess.exited;
  return { code, stdout: cliProcess.stdout, stderr: cliProcess.stderr };
}
