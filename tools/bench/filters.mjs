// Benchmark: `dummy` at a rate above what the pipeline can take → filters → `null`, in one
// process, for the filter chains the issue names: grep + modify + nest, and one small js
// function. Prints one JSON line per chain: records/s delivered, peak RSS, event-loop delay.
//   pnpm turbo run build && node tools/bench/filters.mjs [seconds]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { grepFilter, jsFilter, modifyFilter, nestFilter } from '@tributary/filters';
import { dummyInput } from '@tributary/inputs';
import { nullOutput } from '@tributary/outputs';
import { runEngineFor } from './run-engine.mjs';

const seconds = Number(process.argv[2] ?? 10);
const dummy = '{"log":"GET /index.html 200","level":"info","host":"web-1","bytes":512}';
const props = (pairs) => pairs.map(([key, value]) => ({ key, value }));

const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-js-'));
writeFileSync(join(dir, 'enrich.mjs'), "export function enrich(tag, ts, record) { record.env = 'prod'; return [2, ts, record]; }\n");

const only = process.argv[3];
const chains = {
  'grep+modify+nest': [
    { plugin: grepFilter, match: '*', properties: props([['Regex', 'level ^info$']]) },
    { plugin: modifyFilter, match: '*', properties: props([['Add', 'env prod'], ['Rename', 'bytes size']]) },
    { plugin: nestFilter, match: '*', properties: props([['Operation', 'nest'], ['Wildcard', 'host'], ['Nest_under', 'meta']]) },
  ],
  js: [{ plugin: jsFilter, match: '*', properties: props([['Script', join(dir, 'enrich.mjs')], ['Call', 'enrich']]) }],
};

for (const [name, filters] of Object.entries(chains).filter(([name]) => !only || name === only)) {
  const engine = new Engine({
    logger: createLogger({ level: 'warn' }),
    inputs: [{ plugin: dummyInput, properties: props([['rate', '20000000'], ['dummy', dummy]]) }],
    filters,
    outputs: [{ plugin: nullOutput, match: '*' }],
  });
  console.log(JSON.stringify({ bench: `dummy-${name}-null`, ...(await runEngineFor(engine, seconds)), node: process.version }));
}
rmSync(dir, { recursive: true, force: true });
