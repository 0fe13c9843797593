/**
 * Process plumbing both CLIs share. Call `shutdownOnSignals` first thing, before any Go
 * plugin is loaded: a Go runtime then adds SA_ONSTACK to these handlers, which it requires of
 * every non-Go handler (a listener added after the load would lack it).
 */
export function shutdownOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of signals) process.on(signal, () => resolve(signal));
  });
}

/**
 * Each SIGHUP, as a promise for the next one (one that comes while nobody waits is kept). Call it
 * first thing, as `shutdownOnSignals`, for the same reason; it also keeps SIGHUP from ending the
 * process, which is Node's default.
 */
export function signalEvents(signal: NodeJS.Signals = 'SIGHUP'): () => Promise<void> {
  const waiting: Array<() => void> = [];
  let missed = false;
  process.on(signal, () => {
    if (waiting.length === 0) missed = true;
    for (const wake of waiting.splice(0)) wake();
  });
  return () => {
    if (missed) {
      missed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
}

/**
 * When whoever reads stdout goes away (`agent … | head`), exit quietly, as Fluent Bit does when
 * SIGPIPE ends it, instead of an unhandled EPIPE stack trace.
 */
export function exitQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`[error] cannot write to stdout: ${error.message}\n`);
    process.exit(1);
  });
}

/** Exits with `code` once stdout has drained: Go plugin runtimes keep threads that must not hold the process. */
export function exitAfterStdout(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

/** The last resort of a CLI: an error no code path expected, reported without a stack unless asked for. */
export function reportUnexpected(error: unknown): number {
  const detail = error instanceof Error ? (process.env.TRIBUTARY_DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(`[error] unexpected failure: ${detail}\n`);
  return 1;
}
