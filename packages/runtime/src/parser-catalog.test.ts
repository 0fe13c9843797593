import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadParserCatalog } from './parser-catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'parser-catalog-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadParserCatalog (Parsers_File)', () => {
  it('builds each [PARSER], finds stock parsers by name, and says what has no effect', () => {
    const path = file(
      'parsers.conf',
      [
        '[PARSER]',
        '    Name   my-app',
        '    Format regex',
        '    Regex  ^(?<level>[A-Z]+) (?<message>.*)$',
        '[PARSER]',
        '    Name   MY-APP',
        '    Format json',
        '[MULTILINE_PARSER]',
        '    Name   stacks',
        '',
      ].join('\n'),
    );
    const catalog = loadParserCatalog([path]);
    expect(catalog.defined).toEqual(['my-app']);
    expect(catalog.find('My-App')!.parse('WARN disk full')?.record).toEqual({ level: 'WARN', message: 'disk full' });
    expect(catalog.find('cri')!.definition.format).toBe('regex');
    expect(catalog.find('nope')).toBeUndefined();
    expect(catalog.warnings).toEqual([
      `${path}:5: parser named 'MY-APP' already exists, skip.`,
      `${path}:8: [MULTILINE_PARSER] 'stacks' is not supported by Tributary yet and has no effect.`,
    ]);
  });

  it('fails at start on a parser it cannot build, naming the file and line', () => {
    const path = file('bad.conf', '[PARSER]\n    Name   bad\n    Format regex\n    Regex  ^(?<a>x)*+$\n');
    expect(() => loadParserCatalog([path])).toThrow(`${path}:1: parser 'bad': the Regex uses the possessive quantifier *+`);
  });
});
