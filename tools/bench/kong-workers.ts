// Benchmark: kong-sidecar --workers 1 and 2 under the same load (16 connections, MsgPack:1 or
// ProtoBuf:1) with a CPU-heavy plugin (~100 µs of work per event, tools/bench/kong-plugins-heavy),
// one after the other in one run: events/s, and the ratio of 2 workers to 1.
//   pnpm turbo run build && node --conditions=@tributary/source --import tsx tools/bench/kong-workers.ts [seconds] [concurrency] [msgpack|protobuf]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, toBinary } from '@bufbuild/protobuf';
import { RpcCallSchema, StringSchema } from '@tributary/kong-rpc/protobuf';
import { FakeKong, ProtobufFakeKong } from '@tributary/kong-rpc/testing';
import { driveEvents } from './event-load.js';
import { KongLoadConnection } from './kong-load-client.js';
import { ProtobufLoadConnection } from './kong-protobuf-load-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const sidecar = join(here, '..', '..', 'apps', 'kong-sidecar', 'dist', 'cli.js');
const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 16);
const protocol = process.argv[4] === 'protobuf' ? 'protobuf' : 'msgpack';
const ANSWERS = { 'kong.request.get_header': 'example.org' };
const PB_REPLIES = new Map(Object.entries(ANSWERS).map(([method, value]) => [method, toBinary(StringSchema, create(StringSchema, { v: value }))]));
const pbHandle = (instanceId: number) => (sequence: bigint) => toBinary(RpcCallSchema, create(RpcCallSchema, { sequence, call: { case: 'cmdHandleEvent', value: { instanceId, eventName: 'access' } } }));

interface Load {
  event(): Promise<number>;
  close(): void;
}

/** One connection per instance, each running access events of its instance in the benchmark's protocol. */
async function openLoad(socketPath: string, instance: number): Promise<Load> {
  if (protocol === 'msgpack') {
    const connection = await KongLoadConnection.open(socketPath);
    return { event: () => connection.event(instance, ANSWERS), close: () => connection.close() };
  }
  const connection = await ProtobufLoadConnection.open(socketPath);
  const handle = pbHandle(instance);
  return { event: () => connection.event(handle, PB_REPLIES), close: () => connection.close() };
}

async function measure(workers: number) {
  const prefix = mkdtempSync(join(tmpdir(), 'kong-workers-'));
  const socketPath = join(prefix, 'js_pluginserver.sock');
  const child = spawn(process.execPath, [sidecar, '-d', join(here, 'kong-plugins-heavy'), '-p', prefix, '--workers', String(workers), '--protocol', protocol], { stdio: 'ignore' });
  while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 20));
  const kong = protocol === 'msgpack' ? new FakeKong({ socketPath, mode: '3.x' }) : new ProtobufFakeKong({ socketPath });
  // One instance per connection, so that two workers share the load (instances are spread in turn).
  const instances = await Promise.all(Array.from({ length: concurrency }, () => kong.startInstance('heavy', {})));
  await kong.close();
  const loads = await Promise.all(instances.map((instance) => openLoad(socketPath, instance)));
  const { events, percentile } = await driveEvents(loads, (load) => load.event(), { name: `workers ${workers}`, seconds, calls: 2 });
  for (const load of loads) load.close();
  child.kill('SIGKILL');
  const result = { bench: 'kong-workers', protocol, workers, concurrency, seconds, events, eventsPerSec: Math.round(events / seconds), p50Ms: percentile(0.5), p99Ms: percentile(0.99) };
  console.log(JSON.stringify(result));
  return result;
}

const one = await measure(1);
const two = await measure(2);
console.log(JSON.stringify({ bench: 'kong-workers-summary', twoWorkersOverOne: Number((two.eventsPerSec / one.eventsPerSec).toFixed(2)) }));
