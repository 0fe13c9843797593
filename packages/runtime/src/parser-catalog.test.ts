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
        '    Name          stacks',
        '    Type          regex',
        '    Flush_Timeout 1000',
        '    Rule          "start_state" "/^ERROR /" "cont"',
        '    Rule          "cont" "/^\\s+at /" "cont"',
        '',
      ].join('\n'),
    );
    const catalog = loadParserCatalog([path]);
    expect(catalog.defined).toEqual(['my-app']);
    expect(catalog.find('My-App')!.parse('WARN disk full')?.record).toEqual({ level: 'WARN', message: 'disk full' });
    expect(catalog.find('cri')!.definition.format).toBe('regex');
    expect(catalog.find('nope')).toBeUndefined();
    expect(catalog.warnings).toEqual([`${path}:5: parser named 'MY-APP' already exists, skip.`]);
    const joined: unknown[] = [];
    const stream = catalog.multiline(['stacks'], (record) => joined.push(record));
    for (const line of ['ERROR boom', '  at a()', '  at b()', 'INFO fine']) stream.append(line);
    stream.flush();
    expect(joined).toEqual([{ log: 'ERROR boom\n  at a()\n  at b()\n' }, { log: 'INFO fine\n' }]);
    expect(stream.flushMs).toBe(1000);
    expect(() => catalog.multiline(['nope'], () => {})).toThrow("multiline parser 'nope' is not defined");
  });

  it('fails at start on a parser it cannot build, naming the file and line', () => {
    const path = file('bad.conf', '[PARSER]\n    Name   bad\n    Format regex\n    Regex  ^(?<a>x)*+$\n');
    expect(() => loadParserCatalog([path])).toThrow(`${path}:1: parser 'bad': the Regex uses the possessive quantifier *+`);
  });
});
