// Micro-benchmark: the filter stage alone (no input, no chunk store), for the cost of one
// filter or chain per record on the dummy record, apart from the engine around it. Prints the
// best CPU time per record over 30 rounds of 200,000 records: this machine's wall clock varies
// by up to 2× between runs, CPU time less.
//   node --conditions=@tributary/source --import tsx tools/bench/filter-stage.ts [chain]
// where chain is one of: none, grep, modify, nest, grep+modify+nest (the default), touch (reads
// the map and writes it back), add, rename.
import { createLogger } from '@tributary/base';
import { defineFilter, resolveConfig, type FilterPlugin, type Property } from '@tributary/core';
import { grepFilter, modifyFilter, nestFilter } from '@tributary/filters';
import { MsgpackWriter, packJson } from '@tributary/msgpack';
import { writeEvent } from '../../packages/core/src/event-codec.js';
import { FilterStage, type FilterSlot } from '../../packages/core/src/filter-stage.js';
import { createFilterMetrics } from '../../packages/core/src/metrics.js';

const log = createLogger({ level: 'warn' });
const props = (pairs: Array<[string, string]>): Property[] => pairs.map(([key, value]) => ({ key, value }));
const touch = defineFilter({ name: 'touch', description: 'parses the map', configMap: {}, init: () => ({ filter: (event) => (event.body.size, 'modified') }) });

const filters: Record<string, [FilterPlugin, Property[]]> = {
  grep: [grepFilter, props([['Regex', 'level ^info$']])],
  modify: [modifyFilter, props([['Add', 'env prod'], ['Rename', 'bytes size']])],
  nest: [nestFilter, props([['Operation', 'nest'], ['Wildcard', 'host'], ['Nest_under', 'meta']])],
  touch: [touch, []],
  add: [modifyFilter, props([['Add', 'env prod']])],
  rename: [modifyFilter, props([['Rename', 'bytes size']])],
};
const chain = process.argv[2] ?? 'grep+modify+nest';
const names = chain === 'none' ? [] : chain.split('+');
const slots: FilterSlot[] = [];
for (const name of names) {
  const [plugin, properties] = filters[name] ?? (() => { throw new Error(`unknown filter '${name}'`); })();
  const config = resolveConfig(name, plugin.configMap, properties, (message) => log.warn(message));
  const unused = () => { throw new Error('not used by this benchmark'); };
  const instance = await plugin.init({ config, properties, name, log, parser: unused, multiline: unused, emitter: unused, every: unused });
  slots.push({ name, log, metrics: createFilterMetrics(name), matches: () => true, instance, emitterInput: -1, feeders: new Set() });
}
const stage = new FilterStage(slots);

// As the dummy input gives it: one Buffer, the same for every record.
const body = packJson('{"log":"GET /index.html 200","level":"info","host":"web-1","bytes":512}');
const writer = new MsgpackWriter(4 << 20);
const target = { index: 0, write: (tag: string, sec: number, nsec: number, b: never, m: never) => writeEvent(writer, 'v2', sec, nsec, b, m) };
const RECORDS = 200_000;
let best = Infinity;
for (let round = 0; round < 30; round++) {
  const start = process.cpuUsage();
  for (let i = 0; i < RECORDS; i++) {
    if ((i & 4095) === 0) writer.reset();
    stage.run('bench', 1, 2, body, undefined, target);
  }
  const used = process.cpuUsage(start);
  best = Math.min(best, ((used.user + used.system) * 1000) / RECORDS);
}
console.log(JSON.stringify({ bench: 'filter-stage', chain, bestCpuNsPerRecord: Math.round(best) }));
