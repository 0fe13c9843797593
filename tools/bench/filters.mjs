// Benchmark: `dummy` at a rate above what the pipeline can take → filters → `null`, in one
// process, for the filter chains the issue names: grep + modify + nest, and one small js
// function, after dummy → null as the run's yardstick. Prints one JSON line per chain:
// records/s delivered, peak RSS, event-loop delay. With FLUENT_BIT set to a Fluent Bit
// executable, the chains Fluent Bit has (all but js) also run in it, side by side, its dummy
// at Rate 100 × Copies 10000 (its fastest setting here).
//   pnpm turbo run build && [FLUENT_BIT=path/to/fluent-bit] node tools/bench/filters.mjs [seconds] [chain]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { grepFilter, jsFilter, modifyFilter, nestFilter } from '@tributary/filters';
import { dummyInput } from '@tributary/inputs';
import { nullOutput } from '@tributary/outputs';
import { classicSection, fluentBitDummy, runFluentBitFor } from './fluent-bit-run.mjs';
import { runEngineFor } from './run-engine.mjs';

const seconds = Number(process.argv[2] ?? 10);
const dummy = '{"log":"GET /index.html 200","level":"info","host":"web-1","bytes":512}';
const props = (pairs) => pairs.map(([key, value]) => ({ key, value }));

const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-js-'));
writeFileSync(join(dir, 'enrich.mjs'), "export function enrich(tag, ts, record) { record.env = 'prod'; return [2, ts, record]; }\n");

const only = process.argv[3];
const chains = {
  none: [],
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
  if (process.env.FLUENT_BIT && name !== 'js') {
    const sections = [
      fluentBitDummy(dummy),
      ...filters.map((filter) => classicSection('FILTER', filter.plugin.name, filter.properties, filter.match)),
      classicSection('OUTPUT', 'null', [], '*'),
    ].join('\n\n');
    console.log(JSON.stringify({ bench: `fluent-bit-dummy-${name}-null`, ...(await runFluentBitFor(process.env.FLUENT_BIT, sections, seconds)) }));
  }
}
rmSync(dir, { recursive: true, force: true });
