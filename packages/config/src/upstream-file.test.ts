import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUpstreamFile } from './upstream-file.js';

const file = (text: string, name = 'upstream.conf') => {
  const path = join(mkdtempSync(join(tmpdir(), 'tributary-upstream-')), name);
  writeFileSync(path, text);
  return path;
};

describe('readUpstreamFile', () => {
  it('reads [UPSTREAM] and its [NODE]s, ${VAR} expanded, other keys kept as node properties', () => {
    const path = file('[UPSTREAM]\n    name  forward-balancing\n\n[NODE]\n    name  node-1\n    host  ${AGG_HOST}\n    port  43000\n    tls   on\n    shared_key s1\n');
    expect(readUpstreamFile(path, { AGG_HOST: '10.0.0.5' })).toEqual({
      name: 'forward-balancing',
      nodes: [
        {
          name: 'node-1',
          host: '10.0.0.5',
          port: 43000,
          properties: [expect.objectContaining({ key: 'tls', value: 'on' }), expect.objectContaining({ key: 'shared_key', value: 's1' })],
          source: { file: path, line: 4 },
        },
      ],
    });
  });

  it('names the file and line of what is wrong', () => {
    const noPort = file('[UPSTREAM]\n    name  x\n[NODE]\n    name  a\n    host  h\n');
    expect(() => readUpstreamFile(noPort)).toThrow(`${noPort}:3: [NODE] has no port: every node needs name, host and port.`);
    const badPort = file('[UPSTREAM]\n    name  x\n[NODE]\n    name  a\n    host  h\n    port  99999\n');
    expect(() => readUpstreamFile(badPort)).toThrow(`${badPort}:6: [NODE] port '99999' is not a TCP port (1-65535).`);
    const noNodes = file('[UPSTREAM]\n    name  x\n');
    expect(() => readUpstreamFile(noNodes)).toThrow(/upstream 'x': no nodes defined/);
    const other = file('[UPSTREAM]\n    name  x\n[INPUT]\n    name dummy\n');
    expect(() => readUpstreamFile(other)).toThrow(/holds \[UPSTREAM\] and \[NODE\] sections, not \[INPUT\]/);
  });

  it('reads a YAML upstream file (upstream_servers, its last group) as the classic one', () => {
    const classic = readUpstreamFile(file('[UPSTREAM]\n    name  b\n[NODE]\n    name  n1\n    host  h1\n    port  24224\n    shared_key k\n[NODE]\n    name  n2\n    host  ${H2}\n    port  24225\n'), { H2: 'h2' });
    const yaml = readUpstreamFile(
      file('upstream_servers:\n  - name: a\n    nodes:\n      - name: old\n        host: x\n        port: 1\n  - name: b\n    nodes:\n      - name: n1\n        host: h1\n        port: 24224\n        shared_key: k\n      - name: n2\n        host: ${H2}\n        port: 24225\n', 'upstream.yaml'),
      { H2: 'h2' },
    );
    const shape = (config: typeof classic) => ({ name: config.name, nodes: config.nodes.map(({ name, host, port, properties }) => ({ name, host, port, properties: properties.map((p) => [p.key, p.value]) })) });
    expect(shape(yaml)).toEqual(shape(classic));
    const noPort = file('upstream_servers:\n  - name: b\n    nodes:\n      - name: n1\n        host: h1\n', 'bad.yaml');
    expect(() => readUpstreamFile(noPort)).toThrow(`${noPort}:4:9: [NODE] has no port: every node needs name, host and port.`);
  });
});
