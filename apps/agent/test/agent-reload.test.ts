import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRecorder, hasGo } from '@tributary/native-fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startAgent, type AgentProcess } from './agent-process.js';

const running: AgentProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((agent) => agent.stop('SIGKILL')));
});

function config(port: number, hotReload: boolean, value: string, extra = ''): string {
  return [
    '[SERVICE]',
    '    Flush       0.2',
    `    Hot_Reload  ${hotReload ? 'On' : 'Off'}`,
    '    HTTP_Server On',
    '    HTTP_Listen 127.0.0.1',
    `    HTTP_Port   ${port}`,
    '[INPUT]',
    '    Name        dummy',
    `    Dummy       {"v":"${value}"}`,
    '    Rate        20',
    extra,
    '[OUTPUT]',
    '    Name        stdout',
    '    Match       *',
    '    Format      json_lines',
    '',
  ].join('\n');
}

const lastValue = (agent: AgentProcess) => {
  const lines = agent.stdout.trim().split('\n');
  return (JSON.parse(lines.at(-1)!) as { v: string }).v;
};

async function until(test: () => boolean, what: string, agent: AgentProcess, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstderr:\n${agent.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('hot reload (Hot_Reload On: SIGHUP and /api/v2/reload)', () => {
  it('reloads a changed config on SIGHUP and on POST /api/v2/reload, refuses a bad one naming file:line and keeps running, counts reloads', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-reload-'));
    const file = join(dir, 'agent.conf');
    const port = await freePort();
    writeFileSync(file, config(port, true, 'one'));
    const agent = startAgent(['-c', file]);
    running.push(agent);
    await agent.waitForLines(2);
    expect(lastValue(agent)).toBe('one');
    const api = (method: string) => fetch(`http://127.0.0.1:${port}/api/v2/reload`, { method }).then(async (response) => ({ status: response.status, body: await response.json() }));
    expect(await api('GET')).toEqual({ status: 200, body: { hot_reload_count: 0 } });

    writeFileSync(file, config(port, true, 'two'));
    agent.child.kill('SIGHUP');
    await until(() => agent.stdout.includes('"two"'), 'records of the reloaded config', agent);
    expect(agent.stderr).toContain('[reload] done (hot_reload_count=1)');
    expect(await api('GET')).toEqual({ status: 200, body: { hot_reload_count: 1 } });

    // A bad edit: refused with where it is, and the running pipeline goes on.
    writeFileSync(file, config(port, true, 'three', '    Bogus_Key   1'));
    expect(await api('POST')).toEqual({ status: 200, body: { reload: 'done', status: 0 } });
    await until(() => agent.stderr.includes('[reload] the new configuration is refused'), 'the refusal', agent);
    expect(agent.stderr).toMatch(/\[reload\] the new configuration is refused, the running pipeline goes on unchanged: .*agent\.conf:11: unknown property 'bogus_key' for dummy\.0/);
    const printed = agent.stdout.length;
    await until(() => agent.stdout.length > printed, 'more records', agent);
    expect(lastValue(agent)).toBe('two');

    writeFileSync(file, config(port, true, 'four'));
    expect((await api('PUT')).body).toEqual({ reload: 'done', status: 0 });
    await until(() => agent.stdout.includes('"four"'), 'records of the second reload', agent);
    expect(await api('GET')).toEqual({ status: 200, body: { hot_reload_count: 2 } });
    expect(await agent.stop('SIGTERM')).toBe(0);
  });

  it('without Hot_Reload, says so to SIGHUP and to the API, and keeps running as it was', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-reload-'));
    const file = join(dir, 'agent.conf');
    const port = await freePort();
    writeFileSync(file, config(port, false, 'one'));
    const agent = startAgent(['-c', file]);
    running.push(agent);
    await agent.waitForLines(1);
    agent.child.kill('SIGHUP');
    await agent.waitForStderr('[reload] SIGHUP: hot reload is not enabled');
    const response = await fetch(`http://127.0.0.1:${port}/api/v2/reload`, { method: 'POST' });
    expect(await response.json()).toEqual({ reload: 'not enabled', status: -1 });
    const printed = agent.stdout.length;
    await until(() => agent.stdout.length > printed, 'more records', agent);
    expect(lastValue(agent)).toBe('one');
    expect(await agent.stop('SIGTERM')).toBe(0);
  });

  it.runIf(hasGo())('tells an unmodified Go output of the reload as Fluent Bit does: PreRun(1), PreExit(1), Unregister, PreRegister(1), Register, Init', { timeout: 90_000 }, async () => {
    const recorder = buildRecorder();
    const dir = mkdtempSync(join(tmpdir(), 'tributary-reload-go-'));
    const file = join(dir, 'agent.conf');
    const out = join(dir, 'recorder.jsonl');
    const goConfig = (id: string) => `[SERVICE]\n    Flush 0.2\n    Hot_Reload On\n[INPUT]\n    Name dummy\n    Rate 20\n[OUTPUT]\n    Name recorder\n    Match *\n    Id ${id}\n    Out_File ${out}\n`;
    const events = () => {
      try {
        return readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; id?: string; hot_reload?: number; hot_reloading?: number });
      } catch {
        return [];
      }
    };
    writeFileSync(file, goConfig('one'));
    const agent = startAgent(['-e', recorder, '-c', file]);
    running.push(agent);
    await until(() => events().some((e) => e.event === 'flush'), 'a flush of the first config', agent);
    writeFileSync(file, goConfig('two'));
    agent.child.kill('SIGHUP');
    await until(() => events().some((e) => e.event === 'flush' && e.id === 'two'), 'a flush of the reloaded config', agent);
    expect(await agent.stop('SIGTERM')).toBe(0);
    const lifecycle = events()
      .filter((e) => e.event !== 'flush')
      .map((e) => [e.event, e.id ?? e.hot_reload ?? e.hot_reloading].join(' ').trim());
    expect(lifecycle).toEqual([
      'init one', 'prerun 1', 'preexit 1', 'exit one', 'unregister', 'preregister 1',
      'init two', 'prerun 1', 'preexit 0', 'exit two', 'unregister',
    ]);
  });

  describe('a reload that cannot drain (an output retrying without limit into a closed port)', () => {
    const stuckConfig = async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tributary-reload-stuck-'));
      const file = join(dir, 'agent.conf');
      const closedPort = await freePort();
      writeFileSync(
        file,
        '[SERVICE]\n    Flush 0.2\n    Grace 1\n    Hot_Reload On\n    Hot_Reload.Timeout 3\n' +
          '[INPUT]\n    Name dummy\n    Rate 5\n' +
          `[OUTPUT]\n    Name http\n    Match *\n    Host 127.0.0.1\n    Port ${closedPort}\n    Retry_Limit no_limits\n`,
      );
      return { file, dir };
    };

    it('waits for every pending task under Hot_Reload.Ensure_Thread_Safety (the default), refusing another SIGHUP meanwhile, until Hot_Reload.Timeout aborts the process', { timeout: 30_000 }, async () => {
      // Started in its temporary folder: the core file an abort may leave goes there.
      const { file, dir } = await stuckConfig();
      const agent = startAgent(['-c', file], { cwd: dir });
      running.push(agent);
      await agent.waitForStderr('retry in');
      agent.child.kill('SIGHUP');
      // A second SIGHUP while the reload waits is refused as Fluent Bit refuses it.
      await agent.waitForStderr('[reload] reloading the configuration');
      agent.child.kill('SIGHUP');
      await agent.waitForStderr('[reload] reloading in progress: this SIGHUP is ignored');
      expect(await agent.exited).toBeNull();
      expect(agent.child.signalCode).toBe('SIGABRT');
      expect(agent.stderr).toContain('[reload] Hot_Reload.Timeout exceeded (3 s) with the reload unfinished: aborting');
      expect(agent.stderr).not.toContain('[reload] done');
    });

    it('with -W, drains within Grace instead and reloads', { timeout: 30_000 }, async () => {
      const { file } = await stuckConfig();
      const agent = startAgent(['-W', '-c', file]);
      running.push(agent);
      await agent.waitForStderr('retry in');
      agent.child.kill('SIGHUP');
      await agent.waitForStderr('[reload] done (hot_reload_count=1)');
      expect(agent.stderr).not.toContain('Hot_Reload.Timeout exceeded');
      expect(await agent.stop('SIGTERM')).toBe(0);
    });
  });
});
