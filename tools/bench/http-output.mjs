// Benchmark: `dummy` at a rate above what the pipeline can take → the `http` output
// (`format json_lines`, kept-alive connections) → a local Node HTTP server that reads and
// discards each body, in one process. Prints records/s delivered (acknowledged with a 200).
// With FLUENT_BIT set to a Fluent Bit executable, the same pipeline then runs in it, into the
// same server, side by side.
//   pnpm turbo run build && [FLUENT_BIT=path/to/fluent-bit] node tools/bench/http-output.mjs [seconds] [workers]
import { createServer } from 'node:http';
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { dummyInput } from '@tributary/inputs';
import { httpOutput } from '@tributary/outputs';
import { classicSection, fluentBitDummy, runFluentBitFor } from './fluent-bit-run.mjs';
import { runEngineFor } from './run-engine.mjs';

const seconds = Number(process.argv[2] ?? 10);
const workers = Number(process.argv[3] ?? 2);
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => res.writeHead(200).end());
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const props = (pairs) => pairs.map(([key, value]) => ({ key, value }));
const dummy = '{"log":"GET /index.html 200","level":"info","host":"web-1","bytes":512}';
const engine = new Engine({
  logger: createLogger({ level: 'warn' }),
  inputs: [{ plugin: dummyInput, memBufLimit: 64 * 1024 * 1024, properties: props([['rate', '20000000'], ['dummy', dummy]]) }],
  outputs: [{ plugin: httpOutput, match: '*', workers, properties: props([['format', 'json_lines']]), coreProperties: props([['host', '127.0.0.1'], ['port', String(server.address().port)]]) }],
});
console.log(JSON.stringify({ bench: 'dummy-http-json_lines', workers, ...(await runEngineFor(engine, seconds)), node: process.version }));
if (process.env.FLUENT_BIT) {
  const sections = [
    fluentBitDummy(dummy, props([['Mem_Buf_Limit', '64M']])),
    classicSection('OUTPUT', 'http', props([['Host', '127.0.0.1'], ['Port', String(server.address().port)], ['Format', 'json_lines'], ['Workers', String(workers)]]), '*'),
  ].join('\n\n');
  console.log(JSON.stringify({ bench: 'fluent-bit-dummy-http-json_lines', workers, ...(await runFluentBitFor(process.env.FLUENT_BIT, sections, seconds)) }));
}
server.close();
