#!/usr/bin/env node
import { runAgent } from './run-agent.js';

// Signal listeners are registered before any Go plugin is loaded: a Go runtime then adds
// SA_ONSTACK to them, which it requires of every non-Go handler (see the ABI spec, 5.2).
const shutdownSignal = new Promise<string>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => resolve(signal));
});

// Whoever reads stdout went away (`agent ... | head`): stop quietly, as Fluent Bit does when
// SIGPIPE ends it, instead of an unhandled EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(`[error] cannot write to stdout: ${error.message}\n`);
  process.exit(1);
});

const code = await runAgent(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  shutdownSignal,
}).catch((error: unknown) => {
  process.stderr.write(`[error] unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.TRIBUTARY_DEBUG) console.error(error);
  return 1;
});
// Exit once stdout has drained: Go plugin runtimes keep threads that must not hold the process.
process.stdout.write('', () => process.exit(code));
