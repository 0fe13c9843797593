// Benchmark: kong-sidecar --workers 1 and 2 under the same MsgPack:1 load (16 connections) with
// a CPU-heavy plugin (~100 µs of work per event, tools/bench/kong-plugins-heavy), one after the
// other in one run: events/s, and the ratio of 2 workers to 1.
//   pnpm turbo run build && node --conditions=@tributary/source --import tsx tools/bench/kong-workers.ts [seconds] [concurrency]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeKong } from '@tributary/kong-rpc/testing';
import { driveEvents } from './event-load.js';
import { KongLoadConnection } from './kong-load-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const sidecar = join(here, '..', '..', 'apps', 'kong-sidecar', 'dist', 'cli.js');
const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 16);
const ANSWERS = { 'kong.request.get_header': 'example.org' };

async function measure(workers: number) {
  const prefix = mkdtempSync(join(tmpdir(), 'kong-workers-'));
  const socketPath = join(prefix, 'js_pluginserver.sock');
  const child = spawn(process.execPath, [sidecar, '-d', join(here, 'kong-plugins-heavy'), '-p', prefix, '--workers', String(workers)], { stdio: 'ignore' });
  while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 20));
  const kong = new FakeKong({ socketPath, mode: '3.x' });
  // One instance per connection, so that two workers share the load (instances are spread in turn).
  const instances = await Promise.all(Array.from({ length: concurrency }, () => kong.startInstance('heavy', {})));
  await kong.close();
  const connections = await Promise.all(instances.map(async (instance) => ({ instance, connection: await KongLoadConnection.open(socketPath) })));
  const { events, percentile } = await driveEvents(connections, ({ instance, connection }) => connection.event(instance, ANSWERS), { name: `workers ${workers}`, seconds, calls: 2 });
  for (const { connection } of connections) connection.close();
  child.kill('SIGKILL');
  const result = { bench: 'kong-workers', workers, concurrency, seconds, events, eventsPerSec: Math.round(events / seconds), p50Ms: percentile(0.5), p99Ms: percentile(0.99) };
  console.log(JSON.stringify(result));
  return result;
}

const one = await measure(1);
const two = await measure(2);
console.log(JSON.stringify({ bench: 'kong-workers-summary', twoWorkersOverOne: Number((two.eventsPerSec / one.eventsPerSec).toFixed(2)) }));
