import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { collectingOutput } from '@tributary/core/testing';
import { buildGoInput, hasGo } from '@tributary/native-fixtures';
import { describe, expect, it } from 'vitest';
import { goInputPlugin } from './go-input-plugin.js';
import { GoPluginLibrary } from './go-plugin-library.js';

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(hasGo())('Go inputs with tributary.isolation process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-isolated-input-'));

  function pipeline(properties: Record<string, string>, memBufLimit = 0) {
    const lines: string[] = [];
    const output = collectingOutput();
    const library = GoPluginLibrary.load(buildGoInput());
    const engine = new Engine({
      logger: createLogger({ level: 'info', sink: { write: (line) => lines.push(line) } }),
      flush: 0.2,
      inputs: [{ plugin: goInputPlugin(library), tag: 'go', memBufLimit, properties: Object.entries({ 'tributary.isolation': 'process', ...properties }).map(([key, value]) => ({ key, value })) }],
      outputs: [{ plugin: output.plugin, match: '*' }],
    });
    return { engine, output, log: () => lines.join('') };
  }

  it('collects in the host process; Mem_Buf_Limit pauses and resumes it there; nothing is lost', async () => {
    const { engine, output } = pipeline({ total: '9', batch: '3' }, 1);
    await engine.start();
    await until(() => output.events().length >= 9);
    await engine.stop();
    expect(output.events().map((event) => event.body.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(output.events().map((event) => event.tag))).toEqual(new Set(['go']));
    expect(engine.metrics().inputs[0]!.droppedRecords).toBe(0);
  });

  it('a panic in the collection costs one respawn: the panic is logged and collection goes on', async () => {
    const { engine, output, log } = pipeline({ total: '6', batch: '3', crash_on_collect: '2', crash_marker: join(dir, 'input.marker') });
    await engine.start();
    // 0-2 before the panic, then the new host starts over: 0-5.
    await until(() => output.events().length >= 9);
    await engine.stop();
    expect(output.events().map((event) => event.body.n)).toEqual([0, 1, 2, 0, 1, 2, 3, 4, 5]);
    expect(log()).toMatch(/panic: gcount: told to panic on this collection/);
    expect(engine.metrics().inputs[0]!.restarts).toBe(1);
  });

  it('refuses tributary.flush_timeout on an input', async () => {
    const { engine } = pipeline({ 'tributary.flush_timeout': '5s' });
    await expect(engine.start()).rejects.toThrow("gcount.0: 'tributary.flush_timeout' applies only to Go outputs; remove it from this input.");
  });
});
