// Benchmark: `dummy` → the `forward` output (Require_ack_response on) → our own `forward` input
// → `null`, two engines in one process on loopback. Prints records/s acknowledged.
//   pnpm turbo run build && node tools/bench/forward-output.mjs [seconds] [workers]
import { createServer } from 'node:net';
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { dummyInput, forwardInput } from '@tributary/inputs';
import { forwardOutput, nullOutput } from '@tributary/outputs';
import { runEngineFor } from './run-engine.mjs';

const seconds = Number(process.argv[2] ?? 10);
const workers = Number(process.argv[3] ?? 2);
const props = (pairs) => pairs.map(([key, value]) => ({ key, value }));
const probe = createServer();
await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
const port = String(probe.address().port);
await new Promise((resolve) => probe.close(resolve));
const logger = createLogger({ level: 'warn' });
const receiver = new Engine({
  logger,
  inputs: [{ plugin: forwardInput, coreProperties: props([['listen', '127.0.0.1'], ['port', port]]) }],
  outputs: [{ plugin: nullOutput, match: '*' }],
});
await receiver.start();
const sender = new Engine({
  logger,
  inputs: [{ plugin: dummyInput, memBufLimit: 64 * 1024 * 1024, properties: props([['rate', '20000000'], ['dummy', '{"log":"GET /index.html 200","level":"info","host":"web-1","bytes":512}']]) }],
  outputs: [{ plugin: forwardOutput, match: '*', workers, properties: props([['require_ack_response', 'on']]), coreProperties: props([['host', '127.0.0.1'], ['port', port]]) }],
});
const result = await runEngineFor(sender, seconds);
const received = receiver.metrics().inputs[0].records;
await receiver.stop();
console.log(JSON.stringify({ bench: 'dummy-forward-acks-forward-null', workers, ...result, receivedRecords: received, node: process.version }));
