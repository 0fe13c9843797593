// Benchmark: the agent's pipeline into a Go output plugin (examples/go-plugins/out_counter,
// which decodes every record with fluent-bit-go) beside the plugin's ceiling, the same .so
// driven by a native loop (native-flush-loop.c) with chunks of the same size.
//   pnpm turbo run build && node --conditions=@tributary/source --import tsx tools/bench/go-output.ts [seconds]
// Runs workers 1, workers 2, and workers 1 with tributary.isolation process (peak RSS of the
// agent process only: the host process has its own).
// Prints one JSON line per run and a summary line with the ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExample } from '@tributary/native-fixtures';
import { CHUNK_MAX_BYTES, writeEvent } from '@tributary/core';
import { MsgpackWriter, packJson } from '@tributary/msgpack';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? 10);
const work = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
const plugin = buildExample('out_counter');

// A chunk exactly as the pipeline builds it: dummy records until past 2,048,000 bytes.
const body = packJson('{"message":"dummy"}');
const writer = new MsgpackWriter();
let records = 0;
while (writer.length < CHUNK_MAX_BYTES) {
  const now = Date.now();
  writeEvent(writer, 'v2', Math.floor(now / 1000), (now % 1000) * 1e6, body);
  records++;
}
const chunkFile = join(work, 'chunk.msgpack');
writeFileSync(chunkFile, writer.bytes());

const loop = join(work, 'native-flush-loop');
execFileSync('cc', ['-O2', '-o', loop, join(here, 'native-flush-loop.c'), '-ldl']);
const ceiling = JSON.parse(execFileSync(loop, [plugin, chunkFile, String(records), String(seconds)], { encoding: 'utf8' }));
console.log(JSON.stringify(ceiling));

function agentRun(workers: number, isolation = 'in_process') {
  const result = spawnSync(
    process.execPath,
    [join(here, 'go-output-run.mjs'), plugin, String(workers), String(seconds), isolation],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (result.status !== 0) throw new Error(`agent run failed (${result.status})`);
  const line = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
  console.log(JSON.stringify(line));
  return line;
}

const one = agentRun(1);
const two = agentRun(2);
// The same pipeline with the plugin in a host process of its own (tributary.isolation process).
const isolated = agentRun(1, 'process');
console.log(
  JSON.stringify({
    bench: 'go-output-summary',
    ceilingRecordsPerSec: ceiling.recordsPerSec,
    workers1Ratio: Number((one.recordsPerSec / ceiling.recordsPerSec).toFixed(3)),
    workers2Ratio: Number((two.recordsPerSec / ceiling.recordsPerSec).toFixed(3)),
    isolatedWorkers1Ratio: Number((isolated.recordsPerSec / ceiling.recordsPerSec).toFixed(3)),
    isolatedVsInProcess: Number((isolated.recordsPerSec / one.recordsPerSec).toFixed(3)),
    peakRssMb: Math.max(one.peakRssMb, two.peakRssMb),
    maxFlushBlockMs: Math.max(one.maxFlushBlockMs, two.maxFlushBlockMs),
    maxFlushMainThreadCpuMs: Math.max(one.maxFlushMainThreadCpuMs, two.maxFlushMainThreadCpuMs),
  }),
);
