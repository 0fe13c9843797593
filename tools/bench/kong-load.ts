// Benchmark: the same fake-Kong load (access events with 3 PDK calls each, N concurrent
// connections) against Tributary's kong-sidecar and kong-pdk's kong-js-pluginserver, one
// after the other in one run. Each server is its own process; the load comes from this one.
//   pnpm turbo run build && node --conditions=@tributary/source --import tsx tools/bench/kong-load.ts [seconds] [concurrency] [pause ms]
// With a pause, each connection waits that long between events: a load below saturation, where
// latency is the servers' own rather than queueing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeKong } from '@tributary/kong-rpc/testing';
import { driveEvents } from './event-load.js';
import { KongLoadConnection } from './kong-load-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 16);
const pauseMs = Number(process.argv[4] ?? 0);
const plugins = join(here, 'kong-plugins');
const ANSWERS = { 'kong.request.get_header': 'example.org', 'kong.request.get_path': '/bench' };

const servers = {
  'tributary kong-sidecar': (prefix: string) => [process.execPath, [join(root, 'apps', 'kong-sidecar', 'dist', 'cli.js'), '-d', plugins, '-p', prefix]] as const,
  'kong-js-pluginserver': (prefix: string) =>
    [join(root, 'packages', 'kong-rpc', 'node_modules', '.bin', 'kong-js-pluginserver'), ['-d', plugins, '-p', prefix]] as const,
};

async function measure(name: keyof typeof servers) {
  const prefix = mkdtempSync(join(tmpdir(), 'kong-bench-'));
  const socketPath = join(prefix, 'js_pluginserver.sock');
  const [command, args] = servers[name](prefix);
  const child: ChildProcess = spawn(command, [...args], { stdio: 'ignore' });
  while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 20));
  // The test kit checks the server once (instance start, one event, no protocol violations);
  // the load itself comes from lean connections.
  const kong = new FakeKong({ socketPath, mode: '3.x' });
  const instance = await kong.startInstance('bench', {});
  const check = await kong.runPhase(instance, 'access', ANSWERS);
  if (check.calls.length !== 3 || kong.violations.length > 0) throw new Error(`${name} failed the check: ${JSON.stringify(check)} ${kong.violations}`);
  await kong.close();
  const connections = await Promise.all(Array.from({ length: concurrency }, () => KongLoadConnection.open(socketPath)));
  const before = cpuSplit(child.pid!);
  const { events, percentile: at } = await driveEvents(connections, (connection) => connection.event(instance, ANSWERS), { name, seconds, calls: 3, pauseMs });
  const after = cpuSplit(child.pid!);
  const serverCpu = after.user + after.system - before.user - before.system;
  const kernelShare = (after.system - before.system) / serverCpu;
  for (const connection of connections) connection.close();
  child.kill('SIGKILL');
  const result = {
    bench: 'kong-load',
    server: name,
    concurrency,
    pauseMs,
    seconds,
    events,
    eventsPerSec: Math.round(events / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    // Server CPU per event: what an event costs the server, whoever saturates first.
    serverCpuUsPerEvent: Number(((serverCpu * 1e6) / events).toFixed(1)),
    serverCpuUtilisation: Number((serverCpu / (seconds + 1)).toFixed(2)),
    serverKernelShare: Number(kernelShare.toFixed(2)),
  };
  console.log(JSON.stringify(result));
  return result;
}

/** User and system CPU seconds of a process (USER_HZ = 100). */
function cpuSplit(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

const ours = await measure('tributary kong-sidecar');
const theirs = await measure('kong-js-pluginserver');
console.log(
  JSON.stringify({
    bench: 'kong-load-summary',
    throughputRatio: Number((ours.eventsPerSec / theirs.eventsPerSec).toFixed(2)),
    p99Ratio: Number((ours.p99Ms / theirs.p99Ms).toFixed(2)),
    serverCpuPerEventRatio: Number((theirs.serverCpuUsPerEvent / ours.serverCpuUsPerEvent).toFixed(2)),
  }),
);
