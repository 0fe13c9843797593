import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClassicConfig, readClassicConfig } from './classic-reader.js';

function files(tree: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-config-'));
  for (const [name, text] of Object.entries(tree)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('parseClassicConfig', () => {
  it('reads sections, lower-cases keys, keeps values, duplicates and spaces', () => {
    const raw = parseClassicConfig(
      [
        '# comment',
        '[SERVICE]',
        '    Flush     5',
        '    # indented comment',
        '',
        '[INPUT]',
        '    Name   dummy',
        '    Dummy  {"a": "b c"} # not a comment',
        '    Tag    x',
        '    Tag    y',
        '[Outp]',
        '    Name stdout\r',
      ].join('\n'),
      'main.conf',
    );
    expect(raw.sections.map((s) => [s.type, s.header])).toEqual([
      ['service', 'SERVICE'],
      ['input', 'INPUT'],
      ['output', 'Outp'],
    ]);
    expect(raw.sections[1]!.entries.map((e) => [e.key, e.value, e.source.line])).toEqual([
      ['name', 'dummy', 7],
      ['dummy', '{"a": "b c"} # not a comment', 8],
      ['tag', 'x', 9],
      ['tag', 'y', 10],
    ]);
    expect(raw.sections[2]!.entries[0]!.value).toBe('stdout');
  });

  it('merges repeated [SERVICE] sections and collects @SET wherever it is', () => {
    const raw = parseClassicConfig('[SERVICE]\n  Flush 1\n[INPUT]\n  Name cpu\n[SERVICE]\n  Grace 2\n@SET a=b c\n');
    expect(raw.sections.filter((s) => s.type === 'service')).toHaveLength(1);
    expect(raw.sections[0]!.entries.map((e) => e.key)).toEqual(['flush', 'grace']);
    expect(raw.variables.get('a')).toBe('b c');
  });

  it.each([
    ['[INPUT\n    Name cpu', 1, "bad header definition '[INPUT': a section header needs a closing ']'"],
    ['[INPUT]\nName cpu', 2, "'Name cpu' is not indented. Keys go on indented lines"],
    ['[INPUT]\n    Name cpu\n  Tag x', 3, 'indentation level is too low. Indent keys like the first key of this file (4 spaces)'],
    ['[INPUT]\n    Name cpu\n      Tag x', 3, 'extra indentation level found'],
    ['[INPUT]\n    Name cpu\n\tTag x', 3, 'inconsistent use of tab and space'],
    ['[INPUT]\n    Name', 2, "undefined value for key 'Name': write the key, a space, then the value"],
    ['    Name cpu', 1, "'Name cpu' is not inside a section"],
    ['@SET novalue', 1, "'@SET novalue' is not a variable definition. Write '@SET name=value'."],
  ])('names the line of %j', (text, line, message) => {
    expect(() => parseClassicConfig(text, 'bad.conf')).toThrow(`bad.conf:${line}: ${message}`);
  });

  it('reports an empty value', () => {
    expect(() => parseClassicConfig('[INPUT]\n    Name cpu\n    Tag   ', 'e.conf')).toThrow(/e.conf:3: undefined value|e.conf:3: key 'tag' has an empty value/);
  });
});

describe('readClassicConfig @INCLUDE', () => {
  it('includes files in place, relative to the main file, with globs, and keeps the current section', () => {
    const dir = files({
      'main.conf': '[SERVICE]\n    Flush 1\n@INCLUDE inputs/*.conf\n[OUTPUT]\n    Name stdout\n@INCLUDE extra.conf\n',
      'inputs/a.conf': '[INPUT]\n  Name cpu\n',
      'inputs/b.conf': '[INPUT]\n\tName dummy\n',
      'extra.conf': '    Match *\n',
    });
    const raw = readClassicConfig(join(dir, 'main.conf'));
    expect(raw.sections.map((s) => [s.type, s.entries.map((e) => `${e.key}=${e.value}`).join(',')])).toEqual([
      ['service', 'flush=1'],
      ['input', 'name=cpu'],
      ['input', 'name=dummy'],
      ['output', 'name=stdout,match=*'],
    ]);
    expect(raw.files).toHaveLength(4);
  });

  it('refuses to include a file twice and names the @INCLUDE line', () => {
    const dir = files({ 'main.conf': '@INCLUDE a.conf\n@INCLUDE a.conf\n', 'a.conf': '[INPUT]\n    Name cpu\n' });
    expect(() => readClassicConfig(join(dir, 'main.conf'))).toThrow(/main\.conf:2: '.*a\.conf' is already included/);
  });

  it('names a missing include', () => {
    const dir = files({ 'main.conf': '[INPUT]\n    Name cpu\n@INCLUDE nope.conf\n' });
    expect(() => readClassicConfig(join(dir, 'main.conf'))).toThrow(/main\.conf:3: cannot include 'nope\.conf'/);
  });

  it('errors on an indented line in an included file with that file and line', () => {
    const dir = files({ 'main.conf': '@INCLUDE sub.conf\n', 'sub.conf': '[INPUT]\n    Name cpu\n   Tag x\n' });
    expect(() => readClassicConfig(join(dir, 'main.conf'))).toThrow(/sub\.conf:3: indentation level is too low/);
  });
});
