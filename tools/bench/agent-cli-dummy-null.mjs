// Benchmark: the built agent CLI, as a user runs it — `agent -i dummy -p rate=R -p copies=C
// -o null -H` — measured from outside through its monitoring API: records/s the null output
// processed between two reads of /api/v1/metrics, and the process's peak RSS (VmHWM).
//   pnpm turbo run build && node tools/bench/agent-cli-dummy-null.mjs [seconds] [rate] [copies]
// Prints one JSON line.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './local-port.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', '..', 'apps', 'agent', 'dist', 'cli.js');
const seconds = Number(process.argv[2] ?? 10);
const rate = process.argv[3] ?? '1000';
const copies = process.argv[4] ?? '10000';
const warmUpMs = 2000;

const port = await freePort();
const args = [cli, '-i', 'dummy', '-p', `rate=${rate}`, '-p', `copies=${copies}`, '-o', 'null', '-H', '-L', '127.0.0.1', '-P', String(port), '-q'];
const agent = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
const exited = new Promise((resolve) => agent.once('exit', resolve));

await sleep(warmUpMs);
const first = await processed();
const started = process.hrtime.bigint();
await sleep(seconds * 1000);
const last = await processed();
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
const peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${agent.pid}/status`, 'utf8'))[1]) / 1024;
agent.kill('SIGTERM');
await exited;
console.log(
  JSON.stringify({
    bench: 'agent-cli-dummy-null',
    command: `agent ${args.slice(1).join(' ')}`,
    seconds: Number(elapsed.toFixed(2)),
    recordsPerSec: Math.round((last.records - first.records) / elapsed),
    mbPerSec: Number(((last.bytes - first.bytes) / elapsed / 1e6).toFixed(1)),
    peakRssMb: Number(peakRssMb.toFixed(1)),
    node: process.version,
  }),
);

async function processed() {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/metrics`);
  const output = (await response.json()).output['null.0'];
  return { records: output.proc_records, bytes: output.proc_bytes };
}
