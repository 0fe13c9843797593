// One agent pipeline run for go-output.ts: dummy (as fast as Mem_Buf_Limit lets it) → the Go
// counter plugin with `workers` N, in this process; prints one JSON line. The time each flush
// holds the event loop (the synchronous part of handing the chunk to the thread pool) is
// measured around the call. Plain JavaScript on the built packages (dist/), as the published
// agent runs, so RSS is not inflated by a TypeScript loader.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { dummyInput } from '@tributary/inputs';
import { GoPluginLibrary, goOutputPlugin } from '@tributary/output-abi';
import koffi from 'koffi';
import { runEngineFor } from './run-engine.mjs';

// CPU time of the calling (main) thread: what a flush really costs the event loop, apart from
// time the OS gave the core to Go's threads (2 cores here, shared by Go's flush and GC).
koffi.struct('timespec', { sec: 'int64_t', nsec: 'int64_t' });
const clockGettime = koffi.load('libc.so.6').func('int clock_gettime(int clock, _Out_ timespec *ts)');
const CLOCK_THREAD_CPUTIME_ID = 3;
function threadCpuNs() {
  const ts = {};
  clockGettime(CLOCK_THREAD_CPUTIME_ID, ts);
  return Number(ts.sec) * 1e9 + Number(ts.nsec);
}

const [path, workers, seconds, isolation = 'in_process'] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
const countFile = join(mkdtempSync(join(tmpdir(), 'tributary-bench-run-')), 'count.json');
const flushBlockNs = [];
const flushCpuNs = [];
const go = goOutputPlugin(GoPluginLibrary.load(path));
const timed = {
  ...go,
  async init(ctx) {
    const instance = await go.init(ctx);
    // Delegating, not spreading: an isolated instance's methods live on its prototype.
    return {
      eventFormat: instance.eventFormat,
      preRun: () => instance.preRun?.(),
      preExit: () => instance.preExit?.(),
      exit: () => instance.exit?.(),
      flush(chunk) {
        const cpu = threadCpuNs();
        const start = process.hrtime.bigint();
        const result = instance.flush(chunk);
        flushBlockNs.push(Number(process.hrtime.bigint() - start));
        flushCpuNs.push(threadCpuNs() - cpu);
        return result;
      },
    };
  },
};

const engine = new Engine({
  logger: createLogger({ level: 'warn' }),
  inputs: [{ plugin: dummyInput, memBufLimit: 5_000_000, properties: [{ key: 'rate', value: '100000000' }] }],
  outputs: [{ plugin: timed, workers, properties: [{ key: 'count_file', value: countFile }, { key: 'tributary.isolation', value: isolation }] }],
});
const run = await runEngineFor(engine, seconds);
const counted = JSON.parse(readFileSync(countFile, 'utf8'));
console.log(
  JSON.stringify({
    bench: 'agent-go-output',
    workers,
    isolation,
    ...run,
    countedByGo: counted.records,
    memory: Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Number((v / 1048576).toFixed(1))])),
    flushes: flushBlockNs.length,
    flushBlockP99Ms: Number((percentile(flushBlockNs, 0.99) / 1e6).toFixed(3)),
    maxFlushBlockMs: Number((percentile(flushBlockNs, 1) / 1e6).toFixed(3)),
    flushesBlockingOver1Ms: flushBlockNs.filter((ns) => ns > 1e6).length,
    maxFlushMainThreadCpuMs: Number((percentile(flushCpuNs, 1) / 1e6).toFixed(3)),
  }),
);

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
