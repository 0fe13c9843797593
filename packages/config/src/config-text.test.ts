import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readClassicConfig } from './classic-reader.js';
import { decodeConfigText } from './config-text.js';

const dir = mkdtempSync(join(tmpdir(), 'config-text-'));

describe('config file bytes', () => {
  it('refuses a binary file without echoing its bytes', () => {
    const file = join(dir, 'binary.conf');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x1b, 0x5b, 0x32, 0x4a]));
    expect(() => readClassicConfig(file)).toThrow(
      `'${file}' is not a configuration file: it holds binary data (a NUL byte at offset 6; it starts with '\\x7fELF\\x02\\x01\\x00\\x1b[2J'). Give the path of a Fluent Bit .conf file.`,
    );
  });

  it('refuses bytes that are not UTF-8 with their line and column', () => {
    const file = join(dir, 'latin1.conf');
    writeFileSync(file, Buffer.concat([Buffer.from('[INPUT]\n    Name dummy\n    Tag caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(() => readClassicConfig(file)).toThrow(`${file}:3:12: byte 0xe9 is not UTF-8. Save the file as UTF-8`);
  });

  it('locates an invalid first byte at 1:1 (found by tools/fuzz: it said column -1)', () => {
    expect(() => decodeConfigText(Uint8Array.from([0x80, 0x0a]), 'f.conf')).toThrow(/^f\.conf:1:1: byte 0x80 is not UTF-8/);
  });

  it('reads valid UTF-8 text unchanged', () => {
    const file = join(dir, 'utf8.conf');
    writeFileSync(file, '[INPUT]\n    Name dummy\n    Tag café.日本\n');
    expect(readClassicConfig(file).sections[0]!.entries[1]).toMatchObject({ key: 'tag', value: 'café.日本' });
  });

  it('decodes any valid UTF-8 and locates the first invalid byte of any other bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }).filter((s) => !s.includes('\0')), (text) => {
        expect(decodeConfigText(Buffer.from(text, 'utf8'), 'f.conf')).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }).filter((b) => !b.includes(0)), (bytes) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        if (valid) return;
        expect(() => decodeConfigText(bytes, 'f.conf')).toThrow(/^f\.conf:\d+:\d+: byte 0x[0-9a-f]{2} is not UTF-8/);
      }),
    );
  });
});
