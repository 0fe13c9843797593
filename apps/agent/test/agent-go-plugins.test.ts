import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExample, buildGoCustom, buildGoInput, buildRecorder, hasGo } from '@tributary/native-fixtures';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAgentToEnd, startAgent, type AgentProcess } from './agent-process.js';

const goAvailable = hasGo();
const running: AgentProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((agent) => agent.stop('SIGKILL')));
});

function start(args: string[]) {
  const agent = startAgent(args);
  running.push(agent);
  return agent;
}

async function waitFor(check: () => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(goAvailable)('agent with unmodified Go output plugins (subprocess)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-agent-go-'));
  let counter: string;
  let gstdout: string;
  let recorder: string;
  beforeAll(() => {
    counter = buildExample('out_counter');
    gstdout = buildExample('out_gstdout');
    recorder = buildRecorder();
  });

  it('agent -e out_gstdout.so -i cpu -o gstdout prints what the Go plugin decoded', async () => {
    const agent = start(['-e', gstdout, '-i', 'cpu', '-p', 'interval_sec=0', '-p', 'interval_nsec=200000000', '-o', 'gstdout', '-f', '0.2']);
    const [line] = await agent.waitForLines(1);
    expect(line).toMatch(/^\[0\] cpu\.0: \[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \+0000 UTC, \{.*"cpu_p": /);
    expect(await agent.stop('SIGINT')).toBe(0);
  });

  it('delivers every record to the Go side and exits cleanly', async () => {
    const countFile = join(dir, 'count.json');
    // 500 ticks of 5 records at 1000 ticks/s: done after about 0.5 s; stopped after 3 s.
    const agent = start(['-e', counter, '-i', 'dummy', '-p', 'rate=1000', '-p', 'copies=5', '-p', 'samples=500', '-o', 'counter', '-p', `count_file=${countFile}`, '-f', '0.5']);
    await waitFor(() => agent.stderr.includes('[engine] started'));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(JSON.parse(readFileSync(countFile, 'utf8'))).toMatchObject({ records: 2500 });
  });

  it('loads Plugins_File and passes only plugin properties to FLBPluginConfigKey', async () => {
    const out = join(dir, 'recorder.jsonl');
    writeFileSync(join(dir, 'plugins.conf'), `[PLUGINS]\n    Path ${recorder}\n`);
    writeFileSync(
      join(dir, 'fluent-bit.conf'),
      [
        '[SERVICE]',
        '    Flush        0.2',
        '    Plugins_File plugins.conf',
        '[INPUT]',
        '    Name  dummy',
        '    Tag   app.1',
        '[OUTPUT]',
        '    Name          recorder',
        '    Match         app.*',
        '    Id            one',
        `    Out_File      ${out}`,
        '    Tag           passed.through',
        '    Mem_Buf_Limit 5M',
        '    Retry_Limit   3',
        '    Workers       2',
        '    Alias         rec',
        '    Host          example.org',
        '    tls           off',
      ].join('\n'),
    );
    const agent = start(['-c', join(dir, 'fluent-bit.conf')]);
    await waitFor(() => {
      try {
        return readFileSync(out, 'utf8').includes('"event":"flush"');
      } catch {
        return false;
      }
    });
    expect(await agent.stop('SIGTERM')).toBe(0);
    const log = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(log[0].properties).toEqual({
      id: 'one', ID: 'one', out_file: out, tag: 'passed.through', mem_buf_limit: '5M',
      match: '', match_regex: '', workers: '', retry_limit: '', alias: '', name: '', host: '', port: '', tls: '',
      'tributary.event_format': '', duplicate: '', missing: '',
    });
    expect(log.find((e) => e.event === 'flush').tag).toBe('app.1');
    expect(log.at(-1).event).toBe('unregister');
  });

  it('drains a Go flush in flight at SIGTERM, then calls pre-exit, exit and unregister in order', async () => {
    const out = join(dir, 'slow.jsonl');
    const agent = start(['-e', recorder, '-f', '0.2', '-i', 'dummy', '-o', 'recorder', '-p', `out_file=${out}`, '-p', 'flush_delay_ms=1500']);
    await waitFor(() => {
      try {
        return readFileSync(out, 'utf8').includes('"flush-start"');
      } catch {
        return false;
      }
    });
    const signalledAt = Date.now();
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThan(500);
    const events = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line).event as string);
    const first = events.indexOf('flush-start');
    expect(events.slice(first, first + 2)).toEqual(['flush-start', 'flush']);
    expect(events.slice(-3)).toEqual(['preexit', 'exit', 'unregister']);
    expect(events.filter((e) => e === 'unregister')).toHaveLength(1);
  });

  it('refuses tls on a Go output, as Fluent Bit does', async () => {
    const file = join(dir, 'tls.conf');
    writeFileSync(file, `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name gstdout\n    tls  on\n`);
    const result = await runAgentToEnd(['-e', gstdout, '-c', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:5: gstdout.0 does not support TLS: remove 'tls on' (a Go plugin handles TLS itself, through its own properties).`);
  });

  it('warns when the Go outputs\' Workers need more threads than libuv\'s pool has', async () => {
    const args = ['--dry-run', '-e', counter, '-i', 'dummy', '-o', 'counter', '-m', '*', '-p', 'workers=3', '-o', 'counter', '-m', '*', '-p', 'workers=3'];
    const result = await runAgentToEnd(args, { env: { UV_THREADPOOL_SIZE: '' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Go outputs may flush on 6 threads at once but the thread pool has 4: start the agent with UV_THREADPOOL_SIZE=6');
    const enough = await runAgentToEnd(args, { env: { UV_THREADPOOL_SIZE: '8' } });
    expect(enough.stderr).not.toContain('thread pool');
  });

  it('loads -e out_gstdout.so from the working directory (dlopen once said: no such file)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tributary-cwd-'));
    copyFileSync(gstdout, join(cwd, 'out_gstdout.so'));
    const result = await runAgentToEnd(['--dry-run', '-e', 'out_gstdout.so', '-i', 'dummy', '-o', 'gstdout'], { cwd });
    expect(result.stderr).toBe('configuration test is successful\n');
    expect(result.code).toBe(0);
  });

  it('agent -e gcount.so -i gcount -o stdout prints what the Go input plugin collected', async () => {
    const agent = start(['-e', buildGoInput(), '-i', 'gcount', '-p', 'total=4', '-p', 'batch=2', '-p', 'label=x', '-t', 'go.in', '-o', 'stdout', '-f', '0.2']);
    const lines = await agent.waitForLines(4);
    expect(lines.map((line) => /"n"=>(\d)/.exec(line)?.[1])).toEqual(['0', '1', '2', '3']);
    expect(lines.every((line) => /^\[\d\] go\.in: \[\[\d{10}\.\d{9}, \{\}\], \{.*"label"=>"x".*\}\]$/.test(line))).toBe(true);
    expect(await agent.stop('SIGTERM')).toBe(0);
  });

  it('agent -e gcustom.so -C gcustom runs the Go custom plugin for the life of the pipeline', async () => {
    const marker = join(dir, 'custom-marker.txt');
    const agent = start(['-e', buildGoCustom(), '-C', 'gcustom', '-p', `marker_file=${marker}`, '-p', 'greeting=hi', '-i', 'dummy', '-o', 'null']);
    await waitFor(() => agent.stderr.includes('[engine] started'));
    expect(readFileSync(marker, 'utf8')).toBe('init hi\n');
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('init hi\nexit\n');
  });

  it('keeps running when an isolated Go output panics: the panic in the log, the restart in the metrics', async () => {
    const out = join(dir, 'isolated.jsonl');
    const marker = join(dir, 'isolated.marker');
    const args = ['-e', recorder, '-i', 'dummy', '-p', 'rate=20', '-o', 'recorder', '-m', '*', '-p', `out_file=${out}`, '-p', 'tributary.isolation=process'];
    const agent = start([...args, '-p', 'crash=panic', '-p', `crash_marker=${marker}`, '-p', 'retry_limit=5', '-f', '0.2', '-H', '-L', '127.0.0.1', '-P', '0']);
    await waitFor(() => /tcp_port=\d+/.test(agent.stderr) && agent.stderr.includes('restarted'));
    const port = /tcp_port=(\d+)/.exec(agent.stderr)![1];
    await waitFor(() => {
      try {
        return readFileSync(out, 'utf8').includes('"event":"flush"');
      } catch {
        return false;
      }
    });
    const metrics = (await (await fetch(`http://127.0.0.1:${port}/api/v1/metrics`)).json()) as { output: Record<string, Record<string, number>> };
    expect(metrics.output['recorder.0']).toMatchObject({ tributary_restarts: 1, retries: 1 });
    expect(agent.stderr).toMatch(/\[error\] \[output:recorder:recorder\.0\] the Go host process (exited with code \d+|was killed by SIGABRT); in-flight chunks will be retried\.\npanic: recorder: told to panic on this flush/);
    expect(await agent.stop('SIGTERM')).toBe(0);
  });

  it('lists loaded Go plugins in -h', async () => {
    const result = await runAgentToEnd(['-e', gstdout, '-e', buildGoInput(), '-h']);
    expect(result.stdout).toMatch(/Outputs\n(.*\n)* {2}gstdout\s+Stdout GO!/);
    expect(result.stdout).toMatch(/Inputs\n(.*\n)* {2}gcount\s+Counts to Total \(test fixture\)\n\nFilters/);
  });
});

describe('agent -e with a bad library', () => {
  it('exits 1 naming the file', async () => {
    const result = await runAgentToEnd(['-e', '/nonexistent/out_x.so', '-i', 'dummy', '-o', 'stdout']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("[error] command line: cannot load Go plugin '/nonexistent/out_x.so': no such file\n");
  });

  it('refuses native flb-*.so plugins', async () => {
    const result = await runAgentToEnd(['-e', '/x/flb-out_foo.so', '-i', 'dummy', '-o', 'stdout']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('native Fluent Bit C plugins');
  });
});
