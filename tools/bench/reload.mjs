// Benchmark: hot reload of a 10-input config (dummy × 10 → null, Hot_Reload On), measured from
// outside through the monitoring API. For each of N reloads (POST /api/v2/reload): how long until
// GET /api/v2/reload counts it, and the pause in the data — the longest stretch with no new input
// records seen by polling /api/v1/metrics every 5 ms (the API is down while the pipelines swap).
//   pnpm turbo run build && node tools/bench/reload.mjs [reloads]
// Prints one JSON line.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './local-port.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', '..', 'apps', 'agent', 'dist', 'cli.js');
const reloads = Number(process.argv[2] ?? 5);
const inputs = 10;

const port = await freePort();
const file = join(mkdtempSync(join(tmpdir(), 'tributary-bench-reload-')), 'agent.conf');
const sections = ['[SERVICE]', '    Flush 1', '    Hot_Reload On', '    HTTP_Server On', '    HTTP_Listen 127.0.0.1', `    HTTP_Port ${port}`, '    Log_Level warn'];
for (let i = 0; i < inputs; i++) sections.push('[INPUT]', '    Name dummy', `    Tag app.${i}`, '    Rate 1000');
sections.push('[OUTPUT]', '    Name null', '    Match *', '');
writeFileSync(file, sections.join('\n'));
const agent = spawn(process.execPath, [cli, '-c', file], { stdio: ['ignore', 'ignore', 'inherit'] });
const exited = new Promise((resolve) => agent.once('exit', resolve));

await until(async () => (await inputRecords()) !== undefined);
await sleep(1000);
const durations = [];
const pauses = [];
for (let n = 1; n <= reloads; n++) {
  let last = await inputRecords();
  let lastChange = performance.now();
  const posted = performance.now();
  await fetch(`http://127.0.0.1:${port}/api/v2/reload`, { method: 'POST', body: '' });
  let done;
  let pause = 0;
  // Until the reload is counted and records flow again.
  for (;;) {
    const now = performance.now();
    const records = await inputRecords();
    if (records !== undefined && records !== last) {
      pause = Math.max(pause, now - lastChange);
      last = records;
      lastChange = now;
      if (done !== undefined) break;
    }
    if (done === undefined && (await reloadCount()) === n) done = performance.now() - posted;
    await sleep(5);
  }
  durations.push(done);
  pauses.push(pause);
  await sleep(500);
}
agent.kill('SIGTERM');
await exited;
const ms = (values) => values.map((value) => Math.round(value));
console.log(
  JSON.stringify({
    bench: 'hot-reload',
    inputs,
    reloads,
    reloadMs: ms(durations),
    dataPauseMs: ms(pauses),
    maxDataPauseMs: Math.round(Math.max(...pauses)),
    node: process.version,
  }),
);

async function inputRecords() {
  try {
    const metrics = await (await fetch(`http://127.0.0.1:${port}/api/v1/metrics`)).json();
    return Object.values(metrics.input).reduce((sum, input) => sum + input.records, 0);
  } catch {
    return undefined; // the API is closed while the pipelines swap
  }
}

async function reloadCount() {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/api/v2/reload`)).json()).hot_reload_count;
  } catch {
    return undefined;
  }
}

async function until(test) {
  while (!(await test())) await sleep(20);
}
