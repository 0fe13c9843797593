// go-pdk plugin executables served unmodified beside JS plugins: discovered in the plugins
// directory by their -dump, run as supervised children, proxied from either front protocol.
import { chmodSync, copyFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { buildGoPdkPlugin, hasGo } from '@tributary/native-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoPdkPlugin } from '../src/go-pdk/go-pdk-plugin.js';
import { scanPluginDirectory, startPluginServer, type RunningPluginServer } from '../src/index.js';
import { FakeKong, ProtobufFakeKong } from '../src/testing/index.js';
import { KONG_PDK_PLUGINS } from './plugin-servers.js';

const ANSWERS = { 'kong.request.get_header': (name: string) => (name === 'host' ? 'example.org' : null), 'kong.response.get_status': 201 };
const GREETED = [
  ['access', [['kong.request.get_header', ['host']], ['kong.response.set_header', ['x-greeting', 'hello, example.org']], ['kong.ctx.shared.set', ['greeting', 'hello']]]],
  ['log', [['kong.response.get_status', []], ['kong.log.info', ['status ', 201]]]],
];
const shape = (run: { phases: Array<{ phase: string; calls: Array<{ method: string; args: unknown[] }> }> }) =>
  run.phases.map((phase) => [phase.phase, phase.calls.map((call) => [call.method, call.args])]);

describe.runIf(hasGo())('go-pdk plugins in the plugin server', () => {
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', sink: { write: (line) => void logs.push(line) } });
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'go-pdk-plugins-'));
    copyFileSync(buildGoPdkPlugin('go-greet'), join(directory, 'go-greet'));
    chmodSync(join(directory, 'go-greet'), 0o755);
    cpSync(join(KONG_PDK_PLUGINS, 'conformance.js'), join(directory, 'conformance.js'));
    cpSync(join(KONG_PDK_PLUGINS, 'package.json'), join(directory, 'package.json'));
  }, 300_000);

  describe('MsgPack:1 front (Kong → sidecar in MsgPack, sidecar → go-pdk in ProtoBuf)', () => {
    let running: RunningPluginServer;
    let kong: FakeKong;
    beforeAll(async () => {
      running = await startPluginServer({ socketPath: join(directory, 'front.sock'), plugins: { directory }, log });
      kong = new FakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
    });
    afterAll(async () => {
      await kong?.close();
      await running?.close();
    });

    it('lists the Go plugin with its own schema beside the JS ones', async () => {
      expect(running.server.pluginNames.sort()).toEqual(['conformance', 'go-greet']);
      const info = await kong.pluginInfo('go-greet');
      expect([info.Version, info.Priority, info.Phases]).toEqual(['0.2.0', 7, ['access', 'log']]);
      expect(info.Schema.fields[0].config.fields).toEqual([{ message: { type: 'string' } }, { deny: { type: 'boolean' } }]);
    });

    it("relays the Go plugin's PDK calls to Kong as Steps and Kong's answers back, phase by phase", async () => {
      const run = await kong.runRequest({ plugin: 'go-greet', config: { message: 'hello' }, answers: ANSWERS });
      expect(run.errors).toEqual([]);
      expect(shape(run)).toEqual(GREETED);
      expect(kong.violations).toEqual([]);
      expect(logs.join('')).toMatch(/\[go-greet:\d+\] /); // the child's stderr, under its name and pid
    });

    it('sends kong.response.exit on to Kong, then runs log', async () => {
      const run = await kong.runRequest({ plugin: 'go-greet', config: { message: 'no', deny: true }, answers: { ...ANSWERS, 'kong.request.get_headers': { host: ['h'] } } });
      expect(run.phases[0]!.exit?.args).toEqual([403, Buffer.from('denied\xff', 'latin1'), { 'x-reason': ['deny', 'config'] }]);
      expect(run.phases.map((phase) => phase.phase)).toEqual(['access', 'log']);
    });

    it('respawns a child that died (SIGKILL) and starts its instances again without Kong noticing', async () => {
      const plugin = (running.server as unknown as { plugins: Map<string, GoPdkPlugin> }).plugins.get('go-greet')!;
      const pid = plugin.child.pid!;
      process.kill(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const run = await kong.runRequest({ plugin: 'go-greet', config: { message: 'hello' }, answers: ANSWERS });
      expect(run.errors).toEqual([]);
      expect(run.restarts).toBe(0);
      expect(shape(run)).toEqual(GREETED);
      expect(plugin.child.restarts).toBe(1);
      expect(plugin.child.pid).not.toBe(pid);
      expect(logs.join('')).toMatch(new RegExp(`go plugin go-greet \\(pid ${pid}\\) exited \\(SIGKILL\\); restarting it in 1 s`));
    }, 20_000);

    it('answers Kong with an error for the step when the child dies inside an event; the next request is served by its successor', async () => {
      const plugin = (running.server as unknown as { plugins: Map<string, GoPdkPlugin> }).plugins.get('go-greet')!;
      const run = await kong.runRequest({
        plugin: 'go-greet',
        config: { message: 'hello' },
        phases: ['access'],
        answers: { ...ANSWERS, 'kong.request.get_header': () => (process.kill(plugin.child.pid!, 'SIGKILL'), 'example.org') },
      });
      expect(run.errors).toEqual([expect.stringMatching(/^plugin go-greet failed in access: (read ECONNRESET|closed)$/)]);
      expect(logs.join('')).toMatch(/plugin go-greet failed in access: (read ECONNRESET|closed)\n/);
      const next = await kong.runRequest({ plugin: 'go-greet', config: { message: 'hello' }, answers: ANSWERS });
      expect(shape(next)).toEqual(GREETED);
    }, 30_000);

    it('runs JS plugins beside it as before', async () => {
      const run = await kong.runRequest({ plugin: 'conformance', config: { scenario: 'calls' }, answers: { 'kong.request.get_header': 'h', 'kong.request.get_path': '/p' } });
      expect(run.phases[0]!.calls.at(-1)!.args).toEqual(['x-echo', 'h/p']);
    });
  });

  describe('ProtoBuf:1 front (as Kong 3.9 drives go-pdk plugins)', () => {
    let running: RunningPluginServer;
    let kong: ProtobufFakeKong;
    beforeAll(async () => {
      running = await startPluginServer({ socketPath: join(directory, 'pb-front.sock'), plugins: { directory }, protocol: 'protobuf', log });
      kong = new ProtobufFakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
    });
    afterAll(async () => {
      await kong?.close();
      await running?.close();
    });

    it('proxies the same conversation, ids mapped, as the plugin itself would hold it', async () => {
      const run = await kong.runRequest({ plugin: 'go-greet', config: { message: 'hello' }, phases: ['access', 'log'], answers: ANSWERS });
      expect(run.errors).toEqual([]);
      expect(shape(run)).toEqual(GREETED);
      const exit = await kong.runRequest({ plugin: 'go-greet', config: { message: 'no', deny: true }, phases: ['access'], answers: { ...ANSWERS, 'kong.request.get_headers': { host: 'h' } } });
      expect(exit.phases[0]!.exit?.args).toEqual([403, Buffer.from('denied\xff', 'latin1'), { 'x-reason': ['deny', 'config'] }]);
      expect(kong.violations).toEqual([]);
    });
  });

  it('stops its children when the server closes', async () => {
    const running = await startPluginServer({ socketPath: join(directory, 'stop.sock'), plugins: { directory }, log });
    await using kong = new FakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
    await kong.runRequest({ plugin: 'go-greet', config: { message: 'x' }, answers: ANSWERS });
    const pid = ((running.server as unknown as { plugins: Map<string, GoPdkPlugin> }).plugins.get('go-greet')!).child.pid!;
    await running.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('executables in the plugins directory that are not go-pdk plugins', () => {
  it('skips one that does not answer -dump as go-pdk does, and refuses a MsgPack-era go-pdk plugin by name', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'not-go-'));
    writeFileSync(join(directory, 'build.sh'), '#!/bin/sh\necho building\n', { mode: 0o755 });
    writeFileSync(join(directory, 'old-go'), '#!/bin/sh\necho \'[{"Name":"old-go","Phases":["access"]}]\'\n', { mode: 0o755 });
    const logs: string[] = [];
    const { plugins, failures } = await scanPluginDirectory(directory, createLogger({ level: 'warn', sink: { write: (line) => void logs.push(line) } }));
    expect(plugins).toEqual([]);
    expect(logs.join('')).toContain(`skipping '${join(directory, 'build.sh')}': an executable that does not answer -dump as a go-pdk plugin does`);
    expect(failures).toEqual([{ path: join(directory, 'old-go'), message: expect.stringContaining('is a MsgPack go-pdk plugin (go-pdk before v0.7): rebuild it with go-pdk v0.7 or later') }]);
  });
});
