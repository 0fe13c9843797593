import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgentToEnd, startAgent, type AgentProcess } from './agent-process.js';

const running: AgentProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((agent) => agent.stop('SIGKILL')));
});

function start(args: string[], options?: { cwd?: string; env?: Record<string, string> }) {
  const agent = startAgent(args, options);
  running.push(agent);
  return agent;
}

const DUMMY_LINE = /^\[\d+\] dummy\.0: \[\[\d{10}\.\d{9}, \{\}\], \{"message"=>"dummy"\}\]$/;

describe('agent (subprocess)', () => {
  it('runs -i dummy -o stdout as Fluent Bit prints it, and exits 0 on SIGINT', async () => {
    const agent = start(['-i', 'dummy', '-o', 'stdout']);
    const lines = await agent.waitForLines(2);
    expect(lines[0]).toMatch(DUMMY_LINE);
    expect(lines[1]).toMatch(DUMMY_LINE);
    expect(await agent.stop('SIGINT')).toBe(0);
    expect(agent.stderr).toContain('[engine] caught signal (SIGINT)');
    expect(agent.stderr).toContain('service has stopped (0 pending tasks)');
  });

  it('exits quietly when the reader of its stdout goes away, as with | head', async () => {
    const agent = start(['-i', 'dummy', '-p', 'rate=2000', '-o', 'stdout', '-f', '0.1']);
    await agent.waitForLines(2);
    agent.child.stdout!.destroy();
    expect(await agent.exited).toBe(0);
    expect(agent.stderr).not.toContain('EPIPE');
  });

  it('runs -i cpu -t my.cpu -o stdout -m my.*', async () => {
    const agent = start(['-i', 'cpu', '-t', 'my.cpu', '-p', 'interval_nsec=300000000', '-p', 'interval_sec=0', '-o', 'stdout', '-m', 'my.*', '-f', '0.2']);
    const [line] = await agent.waitForLines(1);
    expect(line).toMatch(/^\[0\] my\.cpu: \[\[\d{10}\.\d{9}, \{\}\], \{"cpu_p"=>\d+\.\d{6}, "user_p"=>\d+\.\d{6}, "system_p"=>\d+\.\d{6}, "cpu0\.p_cpu"=>/);
    expect(await agent.stop('SIGTERM')).toBe(0);
  });

  it('flushes buffered records at SIGTERM before exiting', async () => {
    const agent = start(['-f', '30', '-i', 'dummy', '-p', 'rate=20', '-o', 'stdout', '-p', 'format=json_lines']);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(agent.stdout).toBe('');
    expect(await agent.stop('SIGTERM')).toBe(0);
    const lines = agent.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'dummy' });
  });

  it('runs a classic config with @INCLUDE and @SET', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-agent-'));
    writeFileSync(
      join(dir, 'fluent-bit.conf'),
      ['@SET my_tag=app.logs', '[SERVICE]', '    Flush 0.2', '    Log_Level warn', '@INCLUDE inputs.conf', '[OUTPUT]', '    Name  stdout', '    Match app.*', '    Format json_lines'].join('\n'),
    );
    writeFileSync(join(dir, 'inputs.conf'), '[INPUT]\n    Name  dummy\n    Tag   ${my_tag}\n    Dummy {"from": "${GREETING}"}\n    Rate  5\n');
    const agent = start(['-c', join(dir, 'fluent-bit.conf')], { env: { GREETING: 'hello' } });
    const [line] = await agent.waitForLines(1);
    expect(JSON.parse(line!)).toMatchObject({ from: 'hello' });
    expect(await agent.stop()).toBe(0);
    expect(agent.stderr).not.toContain('[ info]');
  });

  it('fails on a bad config with the file and line and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-agent-'));
    const file = join(dir, 'bad.conf');
    writeFileSync(file, '[INPUT]\n    Name dummy\n  Rate 3\n');
    const result = await runAgentToEnd(['-c', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`[error] ${file}:3: indentation level is too low. Indent keys like the first key of this file (4 spaces).\n`);
  });

  it('refuses a binary file given as -c without echoing a byte of it to the terminal', async () => {
    const result = await runAgentToEnd(['-c', process.execPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\[error\] '.+' is not a configuration file: it holds binary data \(a NUL byte at offset \d+; it starts with '\\x7fELF.*'\)\. Give the path of a Fluent Bit \.conf file\.\n$/);
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
  });

  it('refuses HTTP_Port 99999 when reading the config, naming the key', async () => {
    const result = await runAgentToEnd(['-i', 'dummy', '-o', 'null', '-H', '-P', '99999']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("[error] command line: invalid value for 'http_port': expected a whole number from 0 to 65535, for example 'http_port 2020', but got '99999'.\n");
  });

  it('reports a monitoring port in use before any input starts, naming what to change', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const result = await runAgentToEnd(['-i', 'dummy', '-o', 'stdout', '-H', '-L', '127.0.0.1', '-P', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`\\[error\\] cannot start the HTTP server on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*Change HTTP_Port \\(-P\\) or HTTP_Listen \\(-L\\)\\.\\n$`));
      expect(result.stderr).not.toContain('[engine] started');
      expect(result.stdout).toBe(''); // dummy never ran
    } finally {
      busy.close();
    }
  });

  it('checks every parser of a Parsers_File at start, naming the file and line of a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-parsers-'));
    writeFileSync(join(dir, 'parsers.conf'), '[PARSER]\n    Name   ok\n    Format json\n[PARSER]\n    Name   bad\n    Format regex\n    Regex  (?i)error\n');
    writeFileSync(join(dir, 'agent.conf'), '[SERVICE]\n    Parsers_File parsers.conf\n[INPUT]\n    Name dummy\n[OUTPUT]\n    Name null\n');
    const result = await runAgentToEnd(['--dry-run', '-c', join(dir, 'agent.conf')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `[error] ${join(dir, 'parsers.conf')}:4: parser 'bad': the Regex uses the inline options (?i) (at character 1), which JavaScript regular expressions cannot express the same way. Rewrite that part without it.\n`,
    );
  });

  it('cat events | agent -i stdin -o stdout prints every event, then exits 0 by itself', async () => {
    const input = '{"message":"one"}\n[1700000000, {"message":"two"}]\n';
    const result = await runAgentToEnd(['-i', 'stdin', '-o', 'stdout', '-f', '5'], { stdin: input });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^\[0\] stdin\.0: \[\[\d{10}\.\d{9}, \{\}\], \{"message"=>"one"\}\]$/),
      '[1] stdin.0: [[1700000000.000000000, {}], {"message"=>"two"}]',
    ]);
    expect(result.stderr).toContain('[engine] stop requested by stdin.0: end of input');
  });

  it('runs examples/configs/kubernetes-node.conf: container logs joined by docker and cri, no line repeated after a restart', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const logs = mkdtempSync(join(tmpdir(), 'containers-'));
    const env = { LOG_DIR: logs, DB_DIR: logs, HTTP_PORT: '0', FORWARD_PORT: '0' };
    writeFileSync(
      join(logs, 'web_default_web-1.log'),
      '{"log":"part one ","stream":"stdout","time":"2023-11-14T22:13:20.1Z"}\n{"log":"and two\\n","stream":"stdout","time":"2023-11-14T22:13:20.2Z"}\n',
    );
    writeFileSync(join(logs, 'api_default_api-1.log'), '2023-11-14T22:13:20.5Z stdout P cri part \n2023-11-14T22:13:21Z stdout F done\n');
    const config = join(root, 'examples', 'configs', 'kubernetes-node.conf');
    const first = start(['-c', config], { env });
    const lines = (await first.waitForLines(2)).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ date: _, ...record }) => record)).toEqual([
      { time: '2023-11-14T22:13:20.5Z', stream: 'stdout', _p: 'P', log: 'cri part done' },
      { log: 'part one and two\n', stream: 'stdout', time: '2023-11-14T22:13:20.1Z' },
    ]);
    expect(lines[1]!.date).toBe(1700000000.1);
    expect(await first.stop('SIGTERM')).toBe(0);
    appendFileSync(join(logs, 'web_default_web-1.log'), '{"log":"after restart\\n","stream":"stderr","time":"2023-11-14T22:13:22Z"}\n');
    const second = start(['-c', config], { env });
    const [again] = await second.waitForLines(1);
    expect(JSON.parse(again!)).toMatchObject({ log: 'after restart\n', stream: 'stderr' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(second.stdout.trim().split('\n')).toHaveLength(1); // nothing read before is read again
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('names an unknown plugin and lists the available ones', async () => {
    const result = await runAgentToEnd(['-i', 'dumy', '-o', 'stdout']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("input plugin 'dumy' does not exist. The available inputs are: cpu, dummy, forward, http, mem, stdin, syslog, tail, tcp.");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown property with the allowed ones', async () => {
    const result = await runAgentToEnd(['-i', 'dummy', '-p', 'rat=5', '-o', 'stdout']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("command line: unknown property 'rat' for dummy.0. The allowed properties are: copies, dummy,");
  });

  it('validates with --dry-run and exits', async () => {
    const result = await runAgentToEnd(['--dry-run', '-i', 'cpu', '-o', 'null']);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain('configuration test is successful');
  });

  it('lists plugins with -h and shows one plugin\'s properties with -i dummy -h', async () => {
    const general = await runAgentToEnd(['-h']);
    expect(general.code).toBe(0);
    expect(general.stdout).toMatch(/Inputs\n {2}cpu\s+CPU Usage\n {2}dummy\s+Generate dummy data/);
    expect(general.stdout).toMatch(/Outputs\n {2}stdout\s+Prints events to STDOUT\n {2}null\s+Throws away events/);
    for (const flag of ['-H, --http', '-P, --port', '-L, --listen']) expect(general.stdout).toContain(`  ${flag} `);
    const dummy = await runAgentToEnd(['-i', 'dummy', '-h']);
    expect(dummy.stdout).toContain('dummy input plugin');
    expect(dummy.stdout).toMatch(/rate\s+Ticks per second\n\s+> type: int, default: 1/);
  });

  it('refuses a command line without inputs or outputs', async () => {
    const result = await runAgentToEnd([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no inputs and no outputs are configured');
  });
});

describe('agent monitoring API (HTTP_Server)', () => {
  it('serves Fluent Bit\'s metrics in JSON and Prometheus form, uptime and health', async () => {
    const agent = start(['-H', '-L', '127.0.0.1', '-P', '0', '-f', '0.2', '-i', 'dummy', '-p', 'rate=50', '-o', 'null']);
    const until = Date.now() + 20_000;
    let port: number | undefined;
    while (port === undefined && Date.now() < until) {
      port = Number(/tcp_port=(\d+)/.exec(agent.stderr)?.[1]) || undefined;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    const base = `http://127.0.0.1:${port}`;
    const metrics = (await (await fetch(`${base}/api/v1/metrics`)).json()) as {
      input: Record<string, { records: number }>;
      output: Record<string, { proc_records: number; errors: number }>;
    };
    expect(metrics.input['dummy.0']!.records).toBeGreaterThan(0);
    expect(metrics.output['null.0']!.proc_records).toBeGreaterThan(0);
    expect(metrics.output['null.0']!.errors).toBe(0);
    const prometheus = await (await fetch(`${base}/api/v1/metrics/prometheus`)).text();
    expect(prometheus).toMatch(/^# TYPE fluentbit_input_records_total counter$/m);
    expect(prometheus).toMatch(/^fluentbit_output_proc_records_total\{name="null\.0"\} [1-9]\d*$/m);
    expect(await (await fetch(`${base}/api/v1/health`)).text()).toBe('ok\n');
    expect(await (await fetch(`${base}/api/v1/uptime`)).json()).toMatchObject({ uptime_sec: expect.any(Number) });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(await agent.stop('SIGTERM')).toBe(0);
  });
});
