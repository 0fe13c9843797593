import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '@msgpack/msgpack';
import { FakeKong } from '@tributary/kong-rpc/testing';
import { buildExample, hasGo } from '@tributary/native-fixtures';
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

  it('exits when its parent process is gone, as go-pluginserver does', async () => {
    const dir = prefix();
    const socketPath = join(dir, 'js_pluginserver.sock');
    // A shell starts the sidecar in the background and exits: the sidecar loses its parent.
    const shell = spawn('/bin/sh', ['-c', `${COMMAND} -p ${dir} -d ${PLUGINS} 2>/dev/null & echo $!; sleep 2`], { stdio: ['ignore', 'pipe', 'ignore'] });
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
