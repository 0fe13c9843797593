#!/usr/bin/env node
import { exitAfterStdout, exitQuietlyWhenStdoutCloses, reportUnexpected, shutdownOnSignals } from '@tributary/runtime';
import { runSidecar } from './run-sidecar.js';

// First, before any Go plugin of a --pipeline is loaded. SIGTERM is how Kong 3.x stops its
// plugin servers; like go-pluginserver, the sidecar also stops when its parent (Kong's nginx
// worker) is gone.
const parent = process.ppid;
const shutdown = Promise.race([
  shutdownOnSignals(['SIGTERM', 'SIGINT']),
  new Promise<string>((resolve) => {
    setInterval(() => process.ppid !== parent && resolve('parent process exited'), 1000).unref();
  }),
]);
exitQuietlyWhenStdoutCloses();

// stdout carries dumps that Kong parses as JSON: nothing else may reach it, not even a
// plugin's console.log at import time.
for (const method of ['log', 'info', 'debug', 'dir', 'table'] as const) {
  console[method] = (...args: unknown[]) => console.error(...args);
}

const code = await runSidecar(process.argv.slice(2), {
  stdout: (data) => process.stdout.write(data),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  shutdown,
}).catch(reportUnexpected);
exitAfterStdout(code);
