import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { readYamlConfig } from './yaml-reader.js';
import { parseCommandLine } from './command-line.js';
import { loadPipelineConfig } from './load-pipeline.js';

function dir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tributary-yaml-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

const load = (file: string, env: Record<string, string> = {}) => loadPipelineConfig(parseCommandLine(['-c', file]), { env });

const CLASSIC = `[SERVICE]
    Flush      2
    Log_Level  debug
[INPUT]
    Name   dummy
    Tag    app.web
    Dummy  {"log":"x"}
[FILTER]
    Name   grep
    Match  app.*
    Regex  log aa
    Regex  msg bb
[OUTPUT]
    Name   stdout
    Match  *
    Format json_lines
`;

const YAML = `env:
  LEVEL: debug
service:
  flush: 2
  log_level: \${LEVEL}
pipeline:
  inputs:
    - name: dummy
      tag: app.web
      dummy: '{"log":"x"}'
  filters:
    - name: grep
      match: 'app.*'
      regex: ['log aa', 'msg bb']
  outputs:
    - name: stdout
      match: '*'
      format: json_lines
`;

const shape = (config: ReturnType<typeof load>) => ({
  service: { flush: config.service.flush, logLevel: config.service.logLevel },
  sections: [...config.inputs, ...config.filters, ...config.outputs].map((section) => [section.name, section.properties.map((p) => [p.key, p.value])]),
  tags: config.inputs.map((input) => input.tag),
  matches: [...config.filters, ...config.outputs].map((section) => section.match),
});

describe('YAML config', () => {
  it('gives the same pipeline as the classic config of it: a list value repeats the key', () => {
    const root = dir({ 'a.conf': CLASSIC, 'a.yaml': YAML });
    expect(shape(load(join(root, 'a.yaml')))).toEqual(shape(load(join(root, 'a.conf'))));
  });

  it('reads includes, its own parsers and multiline parsers, and names a parser file for the catalog', () => {
    const root = dir({
      'main.yaml': 'includes:\n  - outputs.yaml\nparsers:\n  - name: kv\n    format: regex\n    regex: \'^(?<k>\\w+)=(?<v>.*)$\'\nmultiline_parsers:\n  - name: ml\n    type: regex\n    rules:\n      - state: start_state\n        regex: \'/^Start/\'\n        next_state: cont\n      - state: cont\n        regex: \'/^\\s+/\'\n        next_state: cont\npipeline:\n  inputs:\n    - name: dummy\n',
      'outputs.yaml': 'pipeline:\n  outputs:\n    - name: null\n      match: "*"\n',
    });
    const config = load(join(root, 'main.yaml'));
    expect(config.outputs.map((o) => o.name)).toEqual(['null']);
    expect(config.service.parsersFiles).toEqual([join(root, 'main.yaml')]);
  });

  it('names file:line:column of a YAML error, of a misplaced value, and of processors Tributary does not carry', () => {
    const root = dir({
      'bad.yaml': 'service:\n  flush: [1\n',
      'shape.yaml': 'pipeline:\n  inputs:\n    name: dummy\n',
      'proc.yaml': 'pipeline:\n  inputs:\n    - name: dummy\n      processors:\n        metrics:\n          - name: labels\n',
      'proclist.yaml': 'pipeline:\n  outputs:\n    - name: stdout\n      processors:\n        - name: grep\n',
      'twice.yaml': 'service:\n  flush: 1\nservice:\n  flush: 2\n',
    });
    expect(() => load(join(root, 'bad.yaml'))).toThrow(new RegExp(`^${join(root, 'bad.yaml')}:3:1: invalid YAML`));
    expect(() => load(join(root, 'shape.yaml'))).toThrow(`${join(root, 'shape.yaml')}:3:5: inputs must be a list (items starting with '- ').`);
    expect(() => load(join(root, 'proc.yaml'))).toThrow(/proc\.yaml:5:9: metrics processors are not supported: Tributary's pipeline carries logs only/);
    expect(() => load(join(root, 'proclist.yaml'))).toThrow(/proclist\.yaml:5:9: processors is a map of 'logs', 'metrics' and 'traces', each a list: put the list under 'logs:'/);
    expect(() => load(join(root, 'twice.yaml'))).toThrow(/twice\.yaml:3:1: .*/);
  });

  it('reads processors.logs of inputs and outputs as their processors, in order, warning of a match they do not use', () => {
    const root = dir({
      'p.yaml': [
        'pipeline:',
        '  inputs:',
        '    - name: dummy',
        '      processors:',
        '        logs:',
        '          - name: grep',
        '            exclude: [log aa, log bb]',
        '          - name: modify',
        '            match: app.*',
        '            add: k v',
        '  outputs:',
        '    - name: stdout',
        '      match: "*"',
        '      processors:',
        '        logs:',
        '          - name: record_modifier',
        '            record: out yes',
        '',
      ].join('\n'),
    });
    const config = load(join(root, 'p.yaml'));
    expect(config.inputs[0]!.processors.map((p) => [p.name, p.properties.map((q) => `${q.key}=${q.value}`)])).toEqual([
      ['grep', ['exclude=log aa', 'exclude=log bb']],
      ['modify', ['add=k v']],
    ]);
    expect(config.outputs[0]!.processors.map((p) => p.name)).toEqual(['record_modifier']);
    expect(config.outputs[0]!.match).toBe('*');
    expect(config.warnings).toEqual([`${join(root, 'p.yaml')}:8:13: processor 'modify': match has no effect on a processor, which runs on every record of its input`]);
  });

  it('reads any plugin map back as its keys and values as written, a list as the key repeated', () => {
    const root = dir({});
    const key = fc.stringMatching(/^[a-z][a-z0-9_.]{0,11}$/).filter((k) => !['processors', 'name'].includes(k));
    const value = fc.oneof(fc.string(), fc.constantFrom('on', 'off', '5M', '1.50', 'null', '${VAR}', "it's", 'a: b', '- x', '#no', 'line\nbreak', 'tab\there', 'é ü', '"quoted"', ' lead', 'trail '), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 }))), { selector: ([k]) => k, maxLength: 6 }), (pairs) => {
        const file = join(root, 'p.yaml');
        writeFileSync(file, stringify({ pipeline: { inputs: [{ name: 'dummy', ...Object.fromEntries(pairs) }] } }));
        const [section] = readYamlConfig(file).sections;
        const expected = [['name', 'dummy'], ...pairs.flatMap(([k, v]) => (Array.isArray(v) ? v.map((item) => [k, item]) : [[k, v]]))];
        expect(section!.entries.map((entry) => [entry.key, entry.value])).toEqual(expected);
      }),
    );
  });

  it('refuses any text that is not a config with a ConfigError naming the file, never anything else', () => {
    const root = dir({});
    const piece = fc.constantFrom('service:', 'pipeline:', '  inputs:', '    - name: dummy', '  - x', 'includes: [a', 'env: 3', ': :', '\t', '"', 'parsers:', '  - {name: a}', 'a: *b', '---');
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string()), { maxLength: 8 }), (lines) => {
        const file = join(root, 'any.yaml');
        writeFileSync(file, lines.join('\n'));
        try {
          readYamlConfig(file);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as Error).message).toContain(file);
        }
      }),
    );
  });
});
