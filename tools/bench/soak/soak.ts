// Soak benchmark: N minutes (default 10) each of the built agent running dummy → a Go output
// (examples/go-plugins/out_counter) and of the built kong-sidecar serving Kong access events,
// with the process's RSS, open file descriptors and threads sampled every 10 s. Reports the
// slope of RSS over time after one minute of warm-up (the goal is flat) and the handle ranges.
//   pnpm turbo run build && node --conditions=@tributary/source --import tsx tools/bench/soak/soak.ts [minutes]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExample } from '@tributary/native-fixtures';
import { KongLoadConnection } from '../kong-load-client.js';
import { sampleProcess, summarise, type ProcessSample } from './process-sampler.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const minutes = Number(process.argv[2] ?? 10);
const SAMPLE_EVERY_MS = 10_000;
const WARM_UP_SEC = Math.min(60, minutes * 6); // a tenth of a short run

/** Samples `child` until `minutes` have passed, while `load` (if any) runs. */
async function soak(child: ChildProcess, load?: (until: number) => Promise<number>) {
  const startedAt = Date.now();
  const until = startedAt + minutes * 60_000;
  const samples: ProcessSample[] = [];
  const sampler = setInterval(() => samples.push(sampleProcess(child.pid!, startedAt)), SAMPLE_EVERY_MS);
  const done = load ? load(until) : new Promise<number>((resolve) => setTimeout(() => resolve(0), until - Date.now()));
  const work = await done;
  clearInterval(sampler);
  samples.push(sampleProcess(child.pid!, startedAt));
  return { work, samples };
}

async function agentGoOutput() {
  const work = mkdtempSync(join(tmpdir(), 'soak-agent-'));
  const countFile = join(work, 'count.json');
  const args = [join(root, 'apps', 'agent', 'dist', 'cli.js'), '-e', buildExample('out_counter'), '-i', 'dummy', '-p', 'rate=20000', '-m', '*'];
  const agent = spawn(process.execPath, [...args, '-o', 'counter', '-p', `count_file=${countFile}`, '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { samples } = await soak(agent);
  agent.kill('SIGTERM');
  await new Promise((resolve) => agent.once('exit', resolve));
  const records = (JSON.parse(readFileSync(countFile, 'utf8')) as { records: number }).records;
  return { bench: 'soak-agent-go-output', minutes, records, ...summarise(samples, WARM_UP_SEC), series: samples };
}

async function kongEvents() {
  const prefix = mkdtempSync(join(tmpdir(), 'soak-kong-'));
  const socketPath = join(prefix, 'js_pluginserver.sock');
  const pipeline = join(prefix, 'pipeline.conf');
  writeFileSync(pipeline, '[OUTPUT]\n    Name  null\n    Match *\n');
  const cli = join(root, 'apps', 'kong-sidecar', 'dist', 'cli.js');
  const sidecar = spawn(process.execPath, [cli, '-d', join(here, '..', 'kong-plugins'), '-p', prefix, '--pipeline', pipeline], { stdio: 'ignore' });
  while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 20));
  const answers = { 'kong.request.get_header': 'example.org', 'kong.request.get_path': '/soak' };
  const load = async (until: number) => {
    const connections = await Promise.all(Array.from({ length: 8 }, () => KongLoadConnection.open(socketPath)));
    const setup = await connections[0]!.call('plugin.StartInstance', { Name: 'bench', Config: '{}' }) as { Id: number };
    let events = 0;
    await Promise.all(
      connections.map(async (connection) => {
        while (Date.now() < until) {
          await connection.event(setup.Id, answers);
          events++;
          // At most 250 events/s per connection, 2,000/s in all: a busy Kong node, steady.
          await new Promise((resolve) => setTimeout(resolve, 4));
        }
      }),
    );
    for (const connection of connections) connection.close();
    return events;
  };
  const { work, samples } = await soak(sidecar, load);
  sidecar.kill('SIGTERM');
  return { bench: 'soak-kong-sidecar', minutes, events: work, ...summarise(samples, WARM_UP_SEC), series: samples };
}

for (const run of [agentGoOutput, kongEvents]) {
  const { series, ...result } = await run();
  console.log(JSON.stringify(result));
  console.error(JSON.stringify({ bench: result.bench, series: series.map((s) => [s.atSec, s.rssMb, s.fds, s.threads]) }));
}
