#!/usr/bin/env node
import { exitAfterStdout, exitQuietlyWhenStdoutCloses, reportUnexpected, shutdownOnSignals, signalEvents } from '@tributary/runtime';
import { runAgent } from './run-agent.js';

// First, before any Go plugin is loaded (see shutdownOnSignals).
const shutdownSignal = shutdownOnSignals();
const nextReloadSignal = signalEvents('SIGHUP');
exitQuietlyWhenStdoutCloses();

const code = await runAgent(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  shutdownSignal,
  nextReloadSignal,
}).catch(reportUnexpected);
exitAfterStdout(code);
