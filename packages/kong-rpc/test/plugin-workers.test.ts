// `--workers N`: JS/TS plugin instances on worker threads, driven by the fake Kong over the
// real socket: events routed by id (Steps on any connection), instances spread, emit relayed;
// in ProtoBuf:1 the worker serves an event on a relay of its connection.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPluginServer, servedPlugins, type PluginProtocol, type RunningPluginServer } from '../src/index.js';
import { FakeKong, ProtobufFakeKong } from '../src/testing/index.js';
import { KONG_PDK_PLUGINS } from './plugin-servers.js';

/** The kong-pdk fixture plugins served with two worker threads in `protocol`; what they emit lands in `emitted`. */
async function startWithWorkers(protocol: PluginProtocol, emitted: string[]): Promise<RunningPluginServer> {
  const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => log } as never;
  const { plugins } = await servedPlugins(KONG_PDK_PLUGINS, log);
  return startPluginServer({
    socketPath: join(mkdtempSync(join(tmpdir(), `workers-${protocol}-`)), 'plugins.sock'),
    plugins,
    protocol,
    log,
    emit: (tag) => void emitted.push(tag),
    workers: { count: 2, directory: KONG_PDK_PLUGINS, logLevel: 'error' },
  });
}

/** Starts new instances (configs n = 200, 201, …) until both workers hold one; false if they do not within 20 s. */
async function instancesReachBothWorkers(run: (n: number) => Promise<{ instanceId: number }>): Promise<boolean> {
  const owners = new Set<number>();
  for (let n = 200, deadline = Date.now() + 20_000; Date.now() < deadline; n++) {
    owners.add((await run(n)).instanceId % 3);
    if (owners.has(1) && owners.has(2)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('plugin server with worker threads (MsgPack:1)', () => {
  let running: RunningPluginServer;
  const emitted: string[] = [];
  beforeAll(async () => {
    running = await startWithWorkers('msgpack', emitted);
  }, 60_000);
  afterAll(() => running?.close());

  it('runs each instance on one worker, events routed by id even with Steps on other connections', async () => {
    const kongs = [new FakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 }), new FakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 })];
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        kongs[i % 2]!.runRequest({ plugin: 'conformance', config: { scenario: 'calls', n: i }, phases: ['access'], answers: { 'kong.request.get_header': `h${i}`, 'kong.request.get_path': '/p' } }),
      ),
    );
    expect(runs.map((run) => run.errors)).toEqual(Array.from({ length: 8 }, () => []));
    expect(runs.map((run) => run.phases[0]!.calls.at(-1)!.args)).toEqual(Array.from({ length: 8 }, (_, i) => ['x-echo', `h${i}/p`]));
    // Instances alternate between the two workers: ids 1, 2 (mod 3) — never the main thread's 0.
    expect(new Set(runs.map((run) => run.instanceId % 3))).toEqual(new Set([1, 2]));
    const status = (await kongs[0]!.call('plugin.GetStatus', null)) as { Plugins: Record<string, { Instances: unknown[] }> };
    expect(status.Plugins.conformance!.Instances).toHaveLength(8);
    for (const kong of kongs) await kong.close();
  });

  it("relays plugins' emitted records and their kong.response.exit from the workers", async () => {
    await using kong = new FakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
    const run = await kong.runRequest({ plugin: 'conformance', config: { scenario: 'exit' }, phases: ['access'] });
    expect(run.phases[0]!.exit?.args.slice(0, 2)).toEqual([403, 'denied']);
    const logged = await kong.runRequest({ plugin: 'tributary-log', config: { tag: 'kong.access' }, phases: ['log'], answers: { 'kong.log.serialize': JSON.stringify({ request: { uri: '/' } }) } });
    expect(logged.errors).toEqual([]);
    expect(emitted).toEqual(['kong.access']);
  });

  it('starts a worker again when a plugin ends its thread: only the calls it had fail, Kong starts its instances again', async () => {
    await using kong = new FakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
    const calls = (n: number) => kong.runRequest({ plugin: 'conformance', config: { scenario: 'calls', n }, phases: ['access'], answers: { 'kong.request.get_header': `h${n}`, 'kong.request.get_path': '/p' } });
    const before = await Promise.all([100, 101].map(calls));
    expect(before.map((run) => run.errors)).toEqual([[], []]);
    const ended = await kong.runRequest({ plugin: 'conformance', config: { scenario: 'end-thread' }, phases: ['access'], answers: { 'kong.request.get_path': '/p' } });
    expect(ended.errors.join('\n')).toMatch(/the worker thread serving this call exited \(code 3\)/);
    // The same instances again (one of them was on the thread that ended), and new ones: all served.
    const after = await Promise.all([100, 101, 102, 103].map(calls));
    expect(after.map((run) => run.errors)).toEqual([[], [], [], []]);
    expect(after.map((run) => run.phases[0]!.calls.at(-1)!.args[1])).toEqual(['h100/p', 'h101/p', 'h102/p', 'h103/p']);
    // The thread that ended is back (after a second: it had run for less than ten): new instances land on both workers again
    // (on the main thread while it is not).
    expect(await instancesReachBothWorkers(calls)).toBe(true);
  });
});

describe('plugin server with worker threads (ProtoBuf:1)', () => {
  let running: RunningPluginServer;
  const emitted: string[] = [];
  beforeAll(async () => {
    running = await startWithWorkers('protobuf', emitted);
  }, 60_000);
  afterAll(() => running?.close());

  it("serves each instance's events on its worker, the PDK calls relayed on the event's connection", async () => {
    await using kong = new ProtobufFakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        kong.runRequest({ plugin: 'conformance', config: { scenario: 'calls', n: i }, phases: ['access'], answers: { 'kong.request.get_header': `h${i}`, 'kong.request.get_path': '/p' } }),
      ),
    );
    expect(runs.map((run) => run.errors)).toEqual(Array.from({ length: 8 }, () => []));
    expect(runs.map((run) => run.phases[0]!.calls.at(-1)!.args)).toEqual(Array.from({ length: 8 }, (_, i) => ['x-echo', `h${i}/p`]));
    // Instances alternate between the two workers: ids 1, 2 (mod 3) — never the main thread's 0.
    expect(new Set(runs.map((run) => run.instanceId % 3))).toEqual(new Set([1, 2]));
    const status = await kong.instanceStatus(runs[0]!.instanceId);
    expect(status).toMatchObject({ name: 'conformance', instanceId: runs[0]!.instanceId });
    await kong.closeInstance(runs[1]!.instanceId);
    expect(kong.violations).toEqual([]);
  });

  it("relays plugins' kong.response.exit and emitted records from the workers", async () => {
    await using kong = new ProtobufFakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
    const run = await kong.runRequest({ plugin: 'conformance', config: { scenario: 'exit' }, phases: ['access'] });
    expect(run.phases[0]!.exit?.args).toEqual([403, Buffer.from('denied'), { 'x-reason': ['test'] }]);
    const logged = await kong.runRequest({ plugin: 'tributary-log', config: { tag: 'kong.pb' }, phases: ['log'], answers: { 'kong.log.serialize': JSON.stringify({ request: { uri: '/' } }) } });
    expect(logged.errors).toEqual([]);
    expect(emitted).toEqual(['kong.pb']);
    expect(kong.violations).toEqual([]);
  });

  it('starts a worker again when a plugin ends its thread: the event fails as a closed connection, the rest is served', async () => {
    await using kong = new ProtobufFakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
    const calls = (n: number) => kong.runRequest({ plugin: 'conformance', config: { scenario: 'calls', n }, phases: ['access'], answers: { 'kong.request.get_header': `h${n}`, 'kong.request.get_path': '/p' } });
    expect((await calls(100)).errors).toEqual([]);
    // Kong takes the closed connection for "reset the instances" and tries again: each try ends another thread, the main thread's throws.
    await kong.runRequest({ plugin: 'conformance', config: { scenario: 'end-thread' }, phases: ['access'], answers: { 'kong.request.get_path': '/p' } }).catch(() => undefined);
    const after = await Promise.all([100, 101, 102].map(calls));
    expect(after.map((run) => run.errors)).toEqual([[], [], []]);
    expect(await instancesReachBothWorkers(calls)).toBe(true);
    expect(kong.violations).toEqual([]);
  }, 30_000);
});
