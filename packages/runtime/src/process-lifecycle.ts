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
