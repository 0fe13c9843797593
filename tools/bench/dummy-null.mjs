// Benchmark: `dummy` at a rate above what the pipeline can take → `null`, in one process.
// Prints one JSON line: records/s delivered, MB/s, peak RSS, and event-loop delay. Plain
// JavaScript on the built packages, as the published agent runs:
//   pnpm turbo run build && node tools/bench/dummy-null.mjs [seconds] [rate]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger, Engine } from '@tributary/core';
import { dummyInput } from '@tributary/inputs';
import { nullOutput } from '@tributary/outputs';

const seconds = Number(process.argv[2] ?? 10);
const rate = process.argv[3] ?? '20000000';

const engine = new Engine({
  logger: createLogger({ level: 'warn' }),
  flush: 1,
  inputs: [{ plugin: dummyInput, properties: [{ key: 'rate', value: rate }] }],
  outputs: [{ plugin: nullOutput }],
});
const delay = monitorEventLoopDelay({ resolution: 1 });
await engine.start();
delay.enable();
const started = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
delay.disable();
await engine.stop();
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
const out = engine.metrics().outputs[0];
console.log(
  JSON.stringify({
    bench: 'dummy-null',
    seconds: Number(elapsed.toFixed(2)),
    records: out.procRecords,
    recordsPerSec: Math.round(out.procRecords / elapsed),
    mbPerSec: Number((out.procBytes / elapsed / 1e6).toFixed(1)),
    peakRssMb: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
    eventLoopDelayP99Ms: Number((delay.percentile(99) / 1e6).toFixed(2)),
    node: process.version,
  }),
);
