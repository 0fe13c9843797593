import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCFixture, buildExample, buildRecorder, FLUENT_BIT_GO_VERSIONS, hasGo } from '@tributary/native-fixtures';
import { eventFormatFor, fluentBitGoVersion } from './fluent-bit-go-version.js';
import { GoPluginLibrary } from './go-plugin-library.js';

const goAvailable = hasGo();

describe('GoPluginLibrary with real fluent-bit-go plugins', () => {
  let gstdout: string;
  beforeAll(() => {
    if (goAvailable) gstdout = buildExample('out_gstdout');
  });

  it.runIf(goAvailable)('registers the plugin name and description from FLBPluginRegister', () => {
    const library = GoPluginLibrary.load(gstdout);
    expect(library.name).toBe('gstdout');
    expect(library.description).toBe('Stdout GO!');
    expect(library.symbols.flush).toBeDefined();
    expect(library.symbols.flushCtx).toBeUndefined();
    expect(library.symbols.exit).toBeDefined();
    expect(library.fluentBitGoVersion).toBe('v0.0.0-20230731091245-a7a013e2473c');
    expect(eventFormatFor(library.fluentBitGoVersion)).toBe('v2');
  });

  it.runIf(goAvailable)('loads a path once per process', () => {
    expect(GoPluginLibrary.load(gstdout)).toBe(GoPluginLibrary.load(gstdout));
  });

  it.runIf(goAvailable)('reads the fluent-bit-go version of each build and picks legacy records before 2023-07-31', () => {
    for (const { modfile, version } of Object.values(FLUENT_BIT_GO_VERSIONS)) {
      expect(fluentBitGoVersion(buildRecorder(modfile))).toBe(version);
    }
    expect(eventFormatFor('v0.0.0-20200729034236-b9c0d6a20853')).toBe('legacy');
    expect(eventFormatFor('v0.0.0-20230515084116-b93d969da46d')).toBe('legacy');
    expect(eventFormatFor('v0.0.0-20230731091245-a7a013e2473c')).toBe('v2');
    expect(eventFormatFor(undefined)).toBe('v2');
  });
});

describe('GoPluginLibrary paths', () => {
  it('loads a file named without a directory from the working directory, not from the library search path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-relative-'));
    copyFileSync(buildCFixture('SLOW', 'c_relative'), join(dir, 'out_relative.so'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(GoPluginLibrary.load('out_relative.so').name).toBe('c_relative');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('GoPluginLibrary refuses what Fluent Bit cannot run, with a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-so-'));

  it('names a missing file', () => {
    expect(() => GoPluginLibrary.load(join(dir, 'nope.so'))).toThrow(`cannot load Go plugin '${join(dir, 'nope.so')}': no such file`);
  });

  it('refuses a file that is not a shared library', () => {
    const text = join(dir, 'text.so');
    writeFileSync(text, 'not a library at all');
    expect(() => GoPluginLibrary.load(text)).toThrow('it is not an ELF shared library (build it with go build -buildmode=c-shared)');
  });

  it('refuses a library for another architecture before dlopen', () => {
    const foreign = join(dir, 'foreign.so');
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x7f454c46, 0);
    header[4] = 2;
    header[5] = 1;
    header.writeUInt16LE(3, 16);
    header.writeUInt16LE(process.arch === 'arm64' ? 62 : 183, 18);
    writeFileSync(foreign, header);
    expect(() => GoPluginLibrary.load(foreign, { file: 'plugins.conf', line: 4 })).toThrow(
      new RegExp(`^plugins\\.conf:4: cannot load Go plugin '.*foreign\\.so': it is built for (arm64|x64), but this process runs on ${process.arch}`),
    );
  });

  it.each([
    ['NO_REGISTER', 'it does not export FLBPluginRegister; is it a Fluent Bit Go plugin built with fluent-bit-go?'],
    ['NO_INIT', 'it does not export FLBPluginInit, which Fluent Bit requires.'],
    ['NO_FLUSH', 'it exports neither FLBPluginFlush nor FLBPluginFlushCtx.'],
    ['REFUSE', 'FLBPluginRegister returned -1: the plugin refused to register.'],
    ['INPUT', 'it registers an input but exports neither FLBPluginInputCallback nor FLBPluginInputCallbackCtx.'],
    ['BAD_PROXY', 'FLBPluginRegister set proxy=7; a Go plugin sets 11.'],
    ['METRICS', 'it registers for event type 2 (metrics 2, traces 4 ...); Tributary delivers log records only.'],
  ])('refuses the %s fixture', (variant, message) => {
    const path = buildCFixture(variant);
    expect(() => GoPluginLibrary.load(path)).toThrow(`cannot load Go plugin '${path}': ${message}`);
  });
});
