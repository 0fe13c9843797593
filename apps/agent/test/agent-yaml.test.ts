import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAgentToEnd } from './agent-process.js';

const root = mkdtempSync(join(tmpdir(), 'tributary-agent-yaml-'));
writeFileSync(join(root, 'parsers.conf'), '[PARSER]\n    Name   kv\n    Format regex\n    Regex  ^(?<key>\\w+)=(?<value>.*)$\n');
writeFileSync(
  join(root, 'agent.conf'),
  `[SERVICE]
    Parsers_File parsers.conf
[INPUT]
    Name stdin
    Tag  app.kv
[FILTER]
    Name     parser
    Match    app.*
    Key_Name log
    Parser   kv
[FILTER]
    Name   modify
    Match  *
    Add    source classic-or-yaml
[OUTPUT]
    Name   stdout
    Match  *
    Format json_lines
    json_date_key false
`,
);
writeFileSync(
  join(root, 'agent.yaml'),
  `parsers:
  - name: kv
    format: regex
    regex: '^(?<key>\\w+)=(?<value>.*)$'
pipeline:
  inputs:
    - name: stdin
      tag: app.kv
  filters:
    - name: parser
      match: 'app.*'
      key_name: log
      parser: kv
    - name: modify
      match: '*'
      add: source classic-or-yaml
  outputs:
    - name: stdout
      match: '*'
      format: json_lines
      json_date_key: false
`,
);
const EVENTS = '{"log":"user=alice"}\n{"log":"no pair here"}\n';

describe('agent -c with a YAML config (subprocess)', () => {
  it('runs the YAML config of a classic pipeline with the same output, its own parsers included', async () => {
    const classic = await runAgentToEnd(['-c', join(root, 'agent.conf')], { stdin: EVENTS });
    const yaml = await runAgentToEnd(['-c', join(root, 'agent.yaml')], { stdin: EVENTS });
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toBe(classic.stdout);
    expect(yaml.stdout).toBe('{"key":"user","value":"alice","source":"classic-or-yaml"}\n{"log":"no pair here","source":"classic-or-yaml"}\n');
  });

  it('names the file, line and column of a YAML mistake, without a stack trace', async () => {
    writeFileSync(join(root, 'broken.yaml'), 'pipeline:\n  inputs:\n    - name: dummy\n  outputs:\n    - name: stdout\n      match: [*\n');
    const result = await runAgentToEnd(['-c', join(root, 'broken.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${join(root, 'broken.yaml')}:\\d+:\\d+: invalid YAML`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--dump-yaml prints the YAML of a classic config, which runs the same pipeline', async () => {
    const dumped = await runAgentToEnd(['-c', join(root, 'agent.conf'), '--dump-yaml']);
    expect(dumped.code).toBe(0);
    expect(dumped.stdout).toContain('pipeline:\n  inputs:\n    - name: stdin\n      tag: app.kv\n');
    writeFileSync(join(root, 'dumped.yaml'), dumped.stdout);
    const classic = await runAgentToEnd(['-c', join(root, 'agent.conf')], { stdin: EVENTS });
    const again = await runAgentToEnd(['-c', join(root, 'dumped.yaml')], { stdin: EVENTS });
    expect(again.stdout).toBe(classic.stdout);
  });
});
