// Benchmark: `dummy` at a rate above what the pipeline can take → `null`, in one process.
// Prints one JSON line: records/s delivered, MB/s, peak RSS, and event-loop delay. Plain
// JavaScript on the built packages, as the published agent runs:
//   pnpm turbo run build && node tools/bench/dummy-null.mjs [seconds] [rate]
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { dummyInput } from '@tributary/inputs';
import { nullOutput } from '@tributary/outputs';
import { runEngineFor } from './run-engine.mjs';

const seconds = Number(process.argv[2] ?? 10);
const rate = process.argv[3] ?? '20000000';

const engine = new Engine({
  logger: createLogger({ level: 'warn' }),
  flush: 1,
  inputs: [{ plugin: dummyInput, properties: [{ key: 'rate', value: rate }] }],
  outputs: [{ plugin: nullOutput }],
});
console.log(JSON.stringify({ bench: 'dummy-null', ...(await runEngineFor(engine, seconds)), node: process.version }));
