// Benchmark: the same ProtoBuf:1 load (access events with 3 PDK calls each — get_header,
// get_path, set_header — from N concurrent connections) against kong-sidecar running the JS
// bench plugin, kong-sidecar proxying the same plugin written with go-pdk v0.11.2, and that
// go-pdk plugin's own server, one after the other in one run. Server CPU is the server
// process's, plus its go-pdk child's when it proxies one.
//   pnpm turbo run build && node --conditions=@tributary/source --import tsx tools/bench/kong-protobuf-load.ts [seconds] [concurrency]
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, toBinary } from '@bufbuild/protobuf';
import { ProtobufFakeKong } from '@tributary/kong-rpc/testing';
import { buildGoPdkPlugin } from '@tributary/native-fixtures';
import { driveEvents } from './event-load.js';
import { ProtobufLoadConnection } from './kong-protobuf-load-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 16);
const ANSWERS = { 'kong.request.get_header': 'example.org', 'kong.request.get_path': '/bench' };
const sidecar = join(root, 'apps', 'kong-sidecar', 'dist', 'cli.js');
const goBench = buildGoPdkPlugin('go-bench');
const goPlugins = mkdtempSync(join(tmpdir(), 'bench-go-plugins-'));
copyFileSync(goBench, join(goPlugins, 'go-bench'));
chmodSync(join(goPlugins, 'go-bench'), 0o755);

interface Server {
  readonly plugin: string;
  readonly socket: string;
  start(prefix: string): ChildProcess;
}
const servers: Record<string, Server> = {
  'kong-sidecar, JS plugin': { plugin: 'bench', socket: 'js_pluginserver.sock', start: (prefix) => spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), sidecar, '-d', join(here, 'kong-plugins'), '-p', prefix, '--protocol', 'protobuf'], { stdio: 'ignore' }) },
  'kong-sidecar proxying the go-pdk plugin': {
    plugin: 'go-bench',
    socket: 'go-bench.socket',
    start: (prefix) => spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), sidecar, '-d', goPlugins, '-p', prefix, '--plugin', 'go-bench', '--protocol', 'protobuf'], { stdio: 'ignore' }),
  },
  "go-pdk plugin's own server": { plugin: 'go-bench', socket: 'go-bench.socket', start: (prefix) => spawn(goBench, ['-kong-prefix', prefix], { stdio: 'ignore' }) },
};

async function measure(name: string, server: Server) {
  const prefix = mkdtempSync(join(tmpdir(), 'kong-pb-bench-'));
  const socketPath = join(prefix, server.socket);
  const child = server.start(prefix);
  while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 200));
  // The test kit checks the server once (instance start, one event, no protocol violations).
  const kong = new ProtobufFakeKong({ socketPath });
  const instance = await kong.startInstance(server.plugin, {});
  const check = await kong.runPhase(instance, 'access', ANSWERS);
  if (check.calls.length !== 3 || kong.violations.length > 0) throw new Error(`${name} failed the check: ${JSON.stringify(check)} ${kong.violations}`);
  await kong.close();
  const { RpcCallSchema, StringSchema } = await import('@tributary/kong-rpc/protobuf');
  const handle = (sequence: bigint) => toBinary(RpcCallSchema, create(RpcCallSchema, { sequence, call: { case: 'cmdHandleEvent', value: { instanceId: instance, eventName: 'access' } } }));
  const replies = new Map(Object.entries(ANSWERS).map(([method, value]) => [method, toBinary(StringSchema, create(StringSchema, { v: value }))]));
  const connections = await Promise.all(Array.from({ length: concurrency }, () => ProtobufLoadConnection.open(socketPath)));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const pids = [child.pid!, ...childrenOf(child.pid!)];
  const before = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const { events, percentile: at } = await driveEvents(connections, (connection) => connection.event(handle, replies), { name, seconds, calls: 3 });
  const serverCpu = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - before;
  for (const connection of connections) connection.close();
  for (const pid of pids.reverse()) process.kill(pid, process.env.BENCH_PROF ? 'SIGTERM' : 'SIGKILL');
  const result = {
    bench: 'kong-protobuf-load',
    server: name,
    processes: pids.length,
    concurrency,
    seconds,
    events,
    eventsPerSec: Math.round(events / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    serverCpuUsPerEvent: Number(((serverCpu * 1e6) / events).toFixed(1)),
  };
  console.log(JSON.stringify(result));
  return result;
}

/** User and system CPU seconds of a process (USER_HZ = 100). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const [name, server] of Object.entries(servers)) results[name] = await measure(name, server);
const js = results['kong-sidecar, JS plugin']!;
const proxy = results['kong-sidecar proxying the go-pdk plugin']!;
const go = results["go-pdk plugin's own server"]!;
console.log(
  JSON.stringify({
    bench: 'kong-protobuf-load-summary',
    jsOnSidecarVsGoServer: Number((js.eventsPerSec / go.eventsPerSec).toFixed(2)),
    proxyCostOverGoServer: Number((go.eventsPerSec / proxy.eventsPerSec - 1).toFixed(2)),
    proxyCpuPerEventOverGoServer: Number((proxy.serverCpuUsPerEvent / go.serverCpuUsPerEvent).toFixed(2)),
  }),
);
