import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAgentToEnd } from './agent-process.js';

/** A config directory with these files; returns the path of `agent.conf` in it. */
function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-filters-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return join(dir, 'agent.conf');
}

const INPUT = '[INPUT]\n    Name    stdin\n    Tag     app.web\n';
const EVENTS = ['{"log":"error: disk full","level":"error","n":1}', '{"log":"ok","level":"info","n":2}', '{"log":"error: again","level":"error","n":3}'].join('\n') + '\n';

describe('agent with [FILTER] sections (subprocess)', () => {
  it('runs grep, modify, nest, rewrite_tag and a TypeScript js filter from a classic config, in config order', async () => {
    const conf = configDir({
      'enrich.ts': `export function enrich(tag: string, ts: number, record: Record<string, unknown>) {\n  return [2, ts, { ...record, length: String(record.log).length }] as const;\n}\n`,
      'agent.conf': `${INPUT}
[FILTER]
    Name   grep
    Match  app.*
    Regex  level ^error$
[FILTER]
    Name   modify
    Match  *
    Add    env prod
    Rename n count
[FILTER]
    Name       nest
    Match      *
    Operation  nest
    Wildcard   level
    Nest_under meta
[FILTER]
    Name   js
    Match  *
    Script enrich.ts
    Call   enrich
[FILTER]
    Name   rewrite_tag
    Match  app.*
    Rule   $log ^error alerts.$TAG[1] false
[OUTPUT]
    Name   stdout
    Match  alerts.*
    Format json_lines
`,
    });
    const result = await runAgentToEnd(['-c', conf], { stdin: EVENTS });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ date: _date, ...body }) => body)).toEqual([
      { log: 'error: disk full', count: 1, env: 'prod', meta: { level: 'error' }, length: 16 },
      { log: 'error: again', count: 3, env: 'prod', meta: { level: 'error' }, length: 12 },
    ]);
  });

  it('takes -F NAME -p KEY=VALUE -m MATCH from the command line, as Fluent Bit does', async () => {
    const result = await runAgentToEnd(['-i', 'stdin', '-F', 'grep', '-p', 'exclude=log ^error', '-m', '*', '-o', 'stdout', '-p', 'format=json_lines', '-m', '*'], { stdin: EVENTS });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { log: string }).log)).toEqual(['ok']);
  });

  it('names an unknown filter with the file and line, and the filters there are', async () => {
    const conf = configDir({ 'agent.conf': `${INPUT}[FILTER]\n    Name  grepp\n    Match *\n[OUTPUT]\n    Name null\n    Match *\n` });
    const result = await runAgentToEnd(['-c', conf]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${conf}:4: filter plugin 'grepp' does not exist. The available filters are: grep, modify, record_modifier, nest, parser, rewrite_tag, throttle, multiline, js.`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a bad rule at start with the file and line of the property and no stack trace', async () => {
    const conf = configDir({ 'agent.conf': `${INPUT}[FILTER]\n    Name  modify\n    Match *\n    Set   onlykey\n[OUTPUT]\n    Name null\n    Match *\n` });
    const result = await runAgentToEnd(['-c', conf], { stdin: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`failed to initialize filter 'modify.0': ${conf}:7: modify.0: Invalid operation set 'onlykey' in configuration: set takes 2 parameter(s).`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows a filter\'s properties with -F NAME -h', async () => {
    const result = await runAgentToEnd(['-F', 'rewrite_tag', '-h']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rewrite_tag filter plugin');
    expect(result.stdout).toMatch(/emitter_mem_buf_limit\s+the emitter input's Mem_Buf_Limit\n\s+> type: size, default: 10M/);
  });
});
