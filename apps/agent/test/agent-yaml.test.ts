import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it("runs processors.logs: an input's before the pipeline's filters, an output's on what that output flushes only", async () => {
    writeFileSync(
      join(root, 'processors.yaml'),
      `pipeline:
  inputs:
    - name: stdin
      tag: app
      processors:
        logs:
          - name: grep
            exclude: log ^drop
          - name: modify
            rename: log msg
  filters:
    - name: grep
      match: '*'
      regex: msg ^keep
  outputs:
    - name: stdout
      match: '*'
      format: json_lines
      json_date_key: false
      processors:
        logs:
          - name: record_modifier
            record: out yes
    - name: file
      match: '*'
      path: ${root}
      file: plain.out
      format: plain
`,
    );
    const result = await runAgentToEnd(['-c', join(root, 'processors.yaml')], { stdin: '{"log":"keep 1"}\n{"log":"drop 2"}\n{"log":"other 3"}\n{"log":"keep 4"}\n' });
    expect(result.code).toBe(0);
    // The filter's regex on `msg` matches only because the input's processors renamed `log` first.
    expect(result.stdout).toBe('{"msg":"keep 1","out":"yes"}\n{"msg":"keep 4","out":"yes"}\n');
    expect(readFileSync(join(root, 'plain.out'), 'utf8')).toBe('{"msg":"keep 1"}\n{"msg":"keep 4"}\n');
  });

  it('refuses a processor that needs an emitter, or one that is not a filter, naming it, without a stack trace', async () => {
    writeFileSync(join(root, 'emitter.yaml'), "pipeline:\n  inputs:\n    - name: dummy\n      processors:\n        logs:\n          - name: rewrite_tag\n            rule: $log ^a new false\n  outputs:\n    - name: stdout\n      match: '*'\n");
    const emitter = await runAgentToEnd(['-c', join(root, 'emitter.yaml')]);
    expect(emitter.code).toBe(1);
    expect(emitter.stderr).toContain("rewrite_tag re-emits records through an emitter, which a processor cannot have in Tributary. Move it to pipeline.filters with a match for this plugin's tag.");
    expect(emitter.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(join(root, 'native.yaml'), "pipeline:\n  inputs:\n    - name: dummy\n      processors:\n        logs:\n          - name: content_modifier\n            action: insert\n  outputs:\n    - name: stdout\n      match: '*'\n");
    const native = await runAgentToEnd(['-c', join(root, 'native.yaml')]);
    expect(native.code).toBe(1);
    expect(native.stderr).toContain(`${join(root, 'native.yaml')}:6:13: processor 'content_modifier' does not exist. Tributary's processors are its filters:`);
  });
});
