import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from '@msgpack/msgpack';
import { FakeKong, ProtobufFakeKong } from '@tributary/kong-rpc/testing';
import { buildExample, buildGoPdkPlugin, hasGo } from '@tributary/native-fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, COMMAND, PLUGINS, startSidecar, type SidecarProcess } from './sidecar-process.js';

const running: SidecarProcess[] = [];
afterEach(async () => {
  for (const sidecar of running.splice(0)) await sidecar.stop('SIGKILL');
});

const prefix = () => mkdtempSync(join(tmpdir(), 'kong-prefix-'));

describe('kong-sidecar dumps (query_cmd)', () => {
  it('--dump-all-plugins prints pure JSON on stdout, even when a plugin logs at import', async () => {
    const { protocol, plugins } = await FakeKong.query(`${COMMAND} -d ${PLUGINS} --dump-all-plugins`);
    expect(protocol).toBe('MsgPack:1');
    expect(plugins.map((p) => [p.Name, p.Version, p.Priority, p.Phases])).toEqual([
      ['js-hello', '0.1.0', 0, ['access']],
      ['ts-audit', '1.2.0', 800, ['access']],
      ['tributary-log', '1.0.0', 5, ['log']],
    ]);
    expect(plugins[0]!.Schema).toEqual({ name: 'js-hello', fields: [{ config: { type: 'record', fields: [{ message: { type: 'string' } }] } }] });
  });

  it('serves one plugin per process for Kong 3.9 (--plugin NAME --dump)', async () => {
    const { plugins } = await FakeKong.query(`${COMMAND} -d ${PLUGINS} --plugin ts-audit -dump`, '3.9');
    expect(plugins.map((p) => p.Name)).toEqual(['ts-audit']);
  });

  it('--dump-plugin-info NAME prints msgpack', () => {
    const out = execFileSync(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', CLI, '-d', PLUGINS, '--dump-plugin-info', 'js-hello']);
    expect(decode(out)).toMatchObject({ Name: 'js-hello', Version: '0.1.0', Phases: ['access'] });
  });

  it('refuses a missing plugins directory with a clear error', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', CLI, '-d', '/nonexistent', '--dump-all-plugins'], { stdio: 'pipe' });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toBe("[error] plugins directory '/nonexistent' does not exist or is not a directory. Pass the directory that holds your plugins with -d.\n");
  });
});

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const sidecarSync = (args: string[]) =>
  spawnSync(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', CLI, ...args], { encoding: 'utf8' });

describe('kong-sidecar with plugins that fail to load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'broken-plugins-'));
  writeFileSync(join(dir, 'good.mjs'), "export const Plugin = class { async access() {} }; export const Version = '1.0.0'; export const Priority = 1;\n");
  writeFileSync(join(dir, 'broken.js'), 'module.exports = { Plugin: class {}, Version: "1.0.0", Priority: 1 };\nthrow new Error("boom at load");\n');

  it.each([['--dump-all-plugins'], ['--dump-plugin-info', 'good']])('%s exits 1 naming the file and its error, so that Kong\'s query fails visibly', (...flags) => {
    const result = sidecarSync(['-d', dir, ...flags]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`[error] ${join(dir, 'broken.js')}: boom at load\n`);
    expect(result.stderr).toContain(`[error] 1 plugin(s) failed to load; fix them or move them out of ${dir}.\n`);
  });

  it('serves the plugins that loaded and logs the failure loudly at start', async () => {
    const prefixDir = prefix();
    const sidecar = await startSidecar(['-p', prefixDir, '-d', dir], join(prefixDir, 'js_pluginserver.sock'));
    running.push(sidecar);
    expect(sidecar.stderr).toMatch(/\[error\] \[kong\] plugin '.*broken\.js' failed to load and is not served: boom at load/);
  });
});

describe('the example plugins (examples/kong-plugins)', () => {
  it('load from a copy outside the repository, importing @tributary/kong-rpc with nothing installed', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'outside-')), 'plugins');
    cpSync(join(ROOT, 'examples', 'kong-plugins'), copy, { recursive: true });
    const result = sidecarSync(['-d', copy, '--dump-all-plugins']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as Array<{ Name: string }>).map((p) => p.Name)).toEqual(['audit', 'js-hello', 'tributary-log']);
  });

  it("dumps pure JSON through the README's npm command (npm run -s keeps npm's banner off stdout)", () => {
    const result = spawnSync('npm', ['run', '-s', 'kong-sidecar', '--', '-d', 'examples/kong-plugins', '--dump-all-plugins'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as Array<{ Name: string }>).map((p) => p.Name)).toEqual(['audit', 'js-hello', 'tributary-log']);
  });
});

describe('kong-sidecar serving Kong', () => {
  it('runs JS and TS plugins for a Kong-driven request and exits cleanly on SIGTERM', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'js_pluginserver.sock');
    const sidecar = await startSidecar(['-p', dir, '-d', PLUGINS], socketPath);
    running.push(sidecar);
    await using kong = new FakeKong({ socketPath, mode: '3.x' });
    const run = await kong.runRequest({ plugin: 'js-hello', config: { message: 'hi' }, answers: { 'kong.request.get_header': 'example.org' } });
    expect(run.phases[0]!.calls.at(-1)).toEqual({
      method: 'kong.response.set_header',
      args: ['x-hello-from-javascript', 'Javascript says hi to example.org'],
    });
    expect(kong.serverPids).toEqual([sidecar.child.pid]);
    expect(kong.violations).toEqual([]);
    expect(await sidecar.stop('SIGTERM')).toBe(0);
    expect(sidecar.stdout).toBe('');
    expect(sidecar.stderr).toContain('js-hello loaded');
  });

  it('--protocol protobuf: dumps {Protocol: ProtoBuf:1, SocketPath, Plugins} as go-pdk does, and serves Kong in ProtoBuf:1', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'js-hello.socket');
    const { protocol, plugins } = await FakeKong.query(`${COMMAND} -d ${PLUGINS} -p ${dir} --plugin js-hello --protocol protobuf --dump`, '3.9');
    expect([protocol, plugins.map((p) => p.Name)]).toEqual(['ProtoBuf:1', ['js-hello']]);
    const sidecar = await startSidecar(['-p', dir, '-d', PLUGINS, '--plugin', 'js-hello', '--protocol', 'protobuf'], socketPath);
    running.push(sidecar);
    await using kong = new ProtobufFakeKong({ socketPath });
    const run = await kong.runRequest({ plugin: 'js-hello', config: { message: 'hi' }, phases: ['access'], answers: { 'kong.request.get_header': 'example.org' } });
    expect(run.phases[0]!.calls.at(-1)).toEqual({ method: 'kong.response.set_header', args: ['x-hello-from-javascript', 'Javascript says hi to example.org'] });
    expect(kong.violations).toEqual([]);
    expect(sidecar.stderr).toContain('(ProtoBuf:1)');
    expect(await sidecar.stop('SIGTERM')).toBe(0);
    expect(sidecarSync(['-d', PLUGINS, '--protocol', 'grpc']).stderr).toBe("[error] --protocol is msgpack or protobuf, not 'grpc'. Run 'kong-sidecar --help' for the options.\n");
  });

  it.runIf(hasGo())('serves an unmodified go-pdk plugin executable of the plugins directory beside the JS ones, in either protocol', async () => {
    const plugins = mkdtempSync(join(tmpdir(), 'sidecar-go-'));
    cpSync(PLUGINS, plugins, { recursive: true });
    copyFileSync(buildGoPdkPlugin('go-greet'), join(plugins, 'go-greet'));
    chmodSync(join(plugins, 'go-greet'), 0o755);
    const { plugins: dumped } = await FakeKong.query(`${COMMAND} -d ${plugins} --dump-all-plugins`);
    expect(dumped.map((p) => p.Name)).toEqual(['go-greet', 'js-hello', 'ts-audit', 'tributary-log']);
    const answers = { 'kong.request.get_header': 'example.org', 'kong.response.get_status': 200 };
    const dir = prefix();
    const sidecar = await startSidecar(['-p', dir, '-d', plugins, '-v'], join(dir, 'js_pluginserver.sock'));
    running.push(sidecar);
    await using kong = new FakeKong({ socketPath: join(dir, 'js_pluginserver.sock'), mode: '3.x' });
    const run = await kong.runRequest({ plugin: 'go-greet', config: { message: 'hi' }, answers });
    expect(run.phases[0]!.calls.map((call) => call.method)).toEqual(['kong.request.get_header', 'kong.response.set_header', 'kong.ctx.shared.set']);
    expect(run.phases[0]!.calls[1]!.args).toEqual(['x-greeting', 'hi, example.org']);
    expect(await sidecar.stop('SIGTERM')).toBe(0);
    expect(sidecar.stderr).toMatch(/\[go-greet:\d+\]/);
    // Kong 3.9: one ProtoBuf:1 server for the Go plugin alone.
    const pbDir = prefix();
    const dedicated = await startSidecar(['-p', pbDir, '-d', plugins, '--plugin', 'go-greet', '--protocol', 'protobuf'], join(pbDir, 'go-greet.socket'));
    running.push(dedicated);
    await using pb = new ProtobufFakeKong({ socketPath: join(pbDir, 'go-greet.socket') });
    const pbRun = await pb.runRequest({ plugin: 'go-greet', config: { message: 'hi' }, phases: ['access'], answers });
    expect(pbRun.phases[0]!.calls[1]!.args).toEqual(['x-greeting', 'hi, example.org']);
    expect(await dedicated.stop('SIGTERM')).toBe(0);
  });

  it('--workers 2 runs the JS/TS plugins on two worker threads behind one socket', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'js_pluginserver.sock');
    const sidecar = await startSidecar(['-p', dir, '-d', PLUGINS, '--workers', '2', '-v'], socketPath);
    running.push(sidecar);
    await using kong = new FakeKong({ socketPath, mode: '3.x' });
    const runs = await Promise.all(['a', 'b', 'c'].map((message) => kong.runRequest({ plugin: 'js-hello', config: { message }, answers: { 'kong.request.get_header': 'example.org' } })));
    expect(runs.map((run) => run.phases[0]!.calls.at(-1)!.args[1])).toEqual(['Javascript says a to example.org', 'Javascript says b to example.org', 'Javascript says c to example.org']);
    expect(runs.every((run) => run.instanceId % 3 !== 0)).toBe(true);
    expect(sidecar.stderr).toContain('serving JS/TS plugins on 2 worker threads');
    expect(await sidecar.stop('SIGTERM')).toBe(0);
  });

  it('--workers 2 --protocol protobuf serves the JS/TS plugins from worker threads in ProtoBuf:1', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'js_pluginserver.sock');
    const sidecar = await startSidecar(['-p', dir, '-d', PLUGINS, '--workers', '2', '--protocol', 'protobuf', '-v'], socketPath);
    running.push(sidecar);
    await using kong = new ProtobufFakeKong({ socketPath, readTimeoutMs: 10_000 });
    const runs = await Promise.all(['a', 'b', 'c'].map((message) => kong.runRequest({ plugin: 'js-hello', config: { message }, phases: ['access'], answers: { 'kong.request.get_header': 'example.org' } })));
    expect(runs.map((run) => run.phases[0]!.calls.at(-1)!.args[1])).toEqual(['Javascript says a to example.org', 'Javascript says b to example.org', 'Javascript says c to example.org']);
    expect(runs.every((run) => run.instanceId % 3 !== 0)).toBe(true);
    expect(kong.violations).toEqual([]);
    expect(sidecar.stderr).toContain('serving JS/TS plugins on 2 worker threads');
    expect(await sidecar.stop('SIGTERM')).toBe(0);
  });

  it('leaves the socket of a newer sidecar on the same path when it stops (Kong respawns overlap)', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'js_pluginserver.sock');
    const first = await startSidecar(['-p', dir, '-d', PLUGINS], socketPath);
    running.push(first);
    const second = await startSidecar(['-p', dir, '-d', PLUGINS], socketPath);
    running.push(second);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(existsSync(socketPath)).toBe(true);
    await using kong = new FakeKong({ socketPath, mode: '3.x' });
    const run = await kong.runRequest({ plugin: 'js-hello', config: { message: 'hi' }, answers: { 'kong.request.get_header': 'example.org' } });
    expect(run.phases[0]!.calls.at(-1)?.method).toBe('kong.response.set_header');
    expect(kong.serverPids).toEqual([second.child.pid]);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
  });

  it('exits when its parent process is gone, as go-pluginserver does', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'js_pluginserver.sock');
    // A shell starts the sidecar in the background, waits for its socket (up to 30 s: a loaded
    // machine starts it slowly) and exits: the sidecar loses its parent.
    const waitForSocket = `i=0; while [ ! -S ${socketPath} ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`;
    const shell = spawn('/bin/sh', ['-c', `${COMMAND} -p ${dir} -d ${PLUGINS} 2>/dev/null & echo $!; ${waitForSocket}`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    shell.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise((resolve) => shell.on('exit', resolve));
    const pid = Number(output.trim());
    expect(existsSync(socketPath)).toBe(true);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const until = Date.now() + 10_000;
    while (alive() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive()).toBe(false);
  });

  it('feeds emitted records and kong.log.serialize() into the pipeline outputs', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'js_pluginserver.sock');
    const pipeline = join(dir, 'pipeline.conf');
    writeFileSync(
      pipeline,
      '[SERVICE]\n    Flush 0.2\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0\n[OUTPUT]\n    Name   stdout\n    Match  kong.*\n    Format json_lines\n',
    );
    const sidecar = await startSidecar(['-p', dir, '-d', PLUGINS, '--pipeline', pipeline], socketPath);
    running.push(sidecar);
    await using kong = new FakeKong({ socketPath });
    const answers = {
      'kong.request.get_path': '/orders',
      'kong.client.get_consumer': { id: 'c1', username: 'alice', created_at: 1, custom_id: null, tags: [] },
      'kong.log.serialize': JSON.stringify({ request: { uri: '/orders', method: 'GET' }, response: { status: 200 }, latencies: { request: 3 } }),
    };
    await kong.runRequest({ plugin: 'ts-audit', answers });
    await kong.runRequest({ plugin: 'tributary-log', answers });
    const until = Date.now() + 10_000;
    while (sidecar.stdout.trim().split('\n').filter(Boolean).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const records = sidecar.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ path: '/orders', consumer: 'alice' }));
    expect(records).toContainEqual(expect.objectContaining({ request: { uri: '/orders', method: 'GET' }, response: { status: 200 } }));
    // The pipeline's monitoring API counts what Kong plugins fed it.
    const port = /tcp_port=(\d+)/.exec(sidecar.stderr)![1];
    const metrics = (await (await fetch(`http://127.0.0.1:${port}/api/v1/metrics`)).json()) as { input: Record<string, { records: number }> };
    expect(metrics.input['kong.0']!.records).toBe(2);
    expect(await sidecar.stop('SIGTERM')).toBe(0);
  });

  it.runIf(hasGo())('delivers Kong log records to a Go output plugin in the same process', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'audit.socket');
    const countFile = join(dir, 'count.json');
    const pipeline = join(dir, 'pipeline.conf');
    writeFileSync(join(dir, 'plugins.conf'), `[PLUGINS]\n    Path ${buildExample('out_counter')}\n`);
    writeFileSync(pipeline, `[SERVICE]\n    Flush 0.2\n    Plugins_File plugins.conf\n[OUTPUT]\n    Name counter\n    Match *\n    Count_File ${countFile}\n`);
    const sidecar = await startSidecar(['-p', dir, '-d', PLUGINS, '--plugin', 'ts-audit', '--sock-name', 'audit.socket', '--pipeline', pipeline], socketPath);
    running.push(sidecar);
    await using kong = new FakeKong({ socketPath, mode: '3.9' });
    for (let i = 0; i < 25; i++) await kong.runRequest({ plugin: 'ts-audit', answers: { 'kong.request.get_path': `/r/${i}` } });
    expect(await sidecar.stop('SIGTERM')).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(countFile, 'utf8'))).toMatchObject({ records: 25 });
  });
});
