#!/usr/bin/env node
import { runSidecar } from './run-sidecar.js';

// Signal listeners first, before any Go plugin of a --pipeline is loaded (Go then adds
// SA_ONSTACK to them). SIGTERM is how Kong 3.x stops its plugin servers.
const shutdown = new Promise<string>((resolve) => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => resolve(signal));
  // Like go-pluginserver: exit when the parent (Kong's nginx worker) is gone.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) resolve('parent process exited');
  }, 1000);
  watch.unref();
});

// stdout carries dumps that Kong parses as JSON: nothing else may reach it, not even a
// plugin's console.log at import time.
for (const method of ['log', 'info', 'debug', 'dir', 'table'] as const) {
  console[method] = (...args: unknown[]) => console.error(...args);
}

// Whoever reads stdout went away (`agent ... | head`): stop quietly, as Fluent Bit does when
// SIGPIPE ends it, instead of an unhandled EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(`[error] cannot write to stdout: ${error.message}\n`);
  process.exit(1);
});

const code = await runSidecar(process.argv.slice(2), {
  stdout: (data) => process.stdout.write(data),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  shutdown,
}).catch((error: unknown) => {
  process.stderr.write(`[error] unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
process.stdout.write('', () => process.exit(code));
