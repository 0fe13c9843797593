import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExample, hasGo } from '@tributary/native-fixtures';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const SA_ONSTACK = 0x08000000;

function probe(args: string[], script: string[]): Promise<{ SIGINT: number; SIGTERM: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'signals-')), 'flags.json');
  const child = spawn(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', '--import', join(here, 'signal-probe.mjs'), ...script, ...args], {
    cwd: here,
    env: { ...process.env, SIGNAL_PROBE_FILE: file },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    const until = Date.now() + 20_000;
    const poll = setInterval(() => {
      if (existsSync(file)) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve(JSON.parse(readFileSync(file, 'utf8')));
      } else if (Date.now() > until) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error('no probe result'));
      }
    }, 50);
  });
}

describe.runIf(hasGo())('signal handlers and Go runtimes', () => {
  it('keeps SA_ONSTACK on the agent\'s SIGINT/SIGTERM handlers once a Go plugin is loaded', async () => {
    const flags = await probe(['-e', buildExample('out_gstdout'), '-i', 'dummy', '-o', 'null'], [join(here, '..', 'src', 'cli.ts')]);
    expect(flags.SIGINT & SA_ONSTACK).toBe(SA_ONSTACK);
    expect(flags.SIGTERM & SA_ONSTACK).toBe(SA_ONSTACK);
  });

  it('keeps SA_ONSTACK in kong-sidecar too, whose --pipeline loads Go plugins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sidecar-signals-'));
    writeFileSync(join(dir, 'plugins.conf'), `[PLUGINS]\n    Path ${buildExample('out_gstdout')}\n`);
    writeFileSync(join(dir, 'pipeline.conf'), '[SERVICE]\n    Plugins_File plugins.conf\n[OUTPUT]\n    Name gstdout\n    Match *\n');
    const sidecar = join(here, '..', '..', 'kong-sidecar', 'src', 'cli.ts');
    const plugins = join(here, '..', '..', 'kong-sidecar', 'test', 'fixtures', 'plugins');
    const flags = await probe(['-p', dir, '-d', plugins, '--pipeline', join(dir, 'pipeline.conf')], [sidecar]);
    expect(flags.SIGINT & SA_ONSTACK).toBe(SA_ONSTACK);
    expect(flags.SIGTERM & SA_ONSTACK).toBe(SA_ONSTACK);
  });

  it('would lose SA_ONSTACK if the listeners were added after the load (why cli.ts registers first)', async () => {
    const lateListener = `import koffi from 'koffi'; koffi.load(${JSON.stringify(buildExample('out_gstdout'))}); process.on('SIGINT', () => {}); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`;
    const flags = await probe([], ['--input-type=module', '-e', lateListener]);
    expect(flags.SIGINT & SA_ONSTACK).toBe(0);
  });
});
