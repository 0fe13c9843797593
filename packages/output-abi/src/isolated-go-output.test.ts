import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { collectingOutput, manualInput } from '@tributary/core/testing';
import { buildRecorder, hasGo } from '@tributary/native-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { goOutputPlugin } from './go-output-plugin.js';
import { GoPluginLibrary } from './go-plugin-library.js';

const goAvailable = hasGo();

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The records the recorder wrote for delivered flushes, as their `n`. */
function delivered(file: string): number[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; records?: Array<{ record: { n: number } }> });
  return lines.filter((line) => line.event === 'flush').flatMap((line) => line.records!.map((r) => r.record.n));
}

describe.runIf(goAvailable)('Go outputs with tributary.isolation process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-isolated-'));
  let recorder: string;
  beforeAll(() => {
    recorder = buildRecorder();
  });

  function pipeline(properties: Record<string, string>, retryLimit = 3) {
    const lines: string[] = [];
    const input = manualInput();
    const beside = collectingOutput([], 'beside');
    const library = GoPluginLibrary.load(recorder);
    const engine = new Engine({
      logger: createLogger({ level: 'info', sink: { write: (line) => lines.push(line) } }),
      flush: 0.2,
      backoff: { base: 0, cap: 0 },
      random: () => 0,
      inputs: [{ plugin: input.plugin, tag: 'app' }],
      outputs: [
        { plugin: goOutputPlugin(library), match: '*', retryLimit, properties: Object.entries({ 'tributary.isolation': 'process', ...properties }).map(([key, value]) => ({ key, value })) },
        { plugin: beside.plugin, match: '*' },
      ],
    });
    return { engine, input, beside, lines, log: () => lines.join('') };
  }

  for (const [mode, evidence] of [
    ['panic', /panic: recorder: told to panic on this flush[\s\S]*goroutine \d+/],
    ['exit', /exited with code 3/],
    ['nil', /invalid memory address or nil pointer dereference[\s\S]*SIGSEGV/],
  ] as const) {
    it(`a ${mode} in a flush costs one respawn and a retry: every record delivered once, the other output unaffected`, async () => {
      const out = join(dir, `${mode}.jsonl`);
      const { engine, input, beside, log } = pipeline({ out_file: out, crash: mode, crash_marker: join(dir, `${mode}.marker`) });
      await engine.start();
      for (let n = 0; n < 3; n++) input.append({ n });
      await until(() => delivered(out).length >= 3);
      for (let n = 3; n < 5; n++) input.append({ n });
      await until(() => delivered(out).length >= 5);
      await engine.stop();
      expect(delivered(out)).toEqual([0, 1, 2, 3, 4]);
      expect(beside.events().map((event) => event.body.n)).toEqual([0, 1, 2, 3, 4]);
      const metrics = engine.metrics().outputs[0]!;
      expect(metrics).toMatchObject({ restarts: 1, retries: 1, procRecords: 5, droppedRecords: 0 });
      expect(log()).toMatch(evidence);
      expect(log()).toContain('[output:recorder:recorder.0]');
    });
  }

  it('kills a flush that hangs past tributary.flush_timeout, then retries it in a new host', async () => {
    const out = join(dir, 'hang.jsonl');
    const { engine, input, log } = pipeline({ out_file: out, crash: 'hang', crash_marker: join(dir, 'hang.marker'), 'tributary.flush_timeout': '1s' });
    await engine.start();
    input.append({ n: 0 });
    await until(() => delivered(out).length >= 1);
    await engine.stop();
    expect(delivered(out)).toEqual([0]);
    expect(log()).toContain('a flush ran past tributary.flush_timeout (1000 ms): killing the Go host process');
    expect(log()).toContain('was killed by SIGKILL');
    expect(engine.metrics().outputs[0]!.restarts).toBe(1);
  });

  it('backs off a plugin that crashes in a loop, reports it as unhealthy, and drops after Retry_Limit', async () => {
    const out = join(dir, 'loop.jsonl');
    // The marker can never be written, so every first flush of every host crashes.
    const { engine, input, beside } = pipeline({ out_file: out, crash: 'exit', crash_marker: join(dir, 'missing-dir', 'marker') }, 2);
    await engine.start();
    input.append({ n: 0 });
    await until(() => engine.metrics().outputs[0]!.droppedRecords === 1);
    expect(engine.health()).toEqual([expect.stringMatching(/^recorder\.0: the Go host process crashed \d+ times in a row; next start in \d+ ms$/)]);
    expect(beside.events()).toHaveLength(1);
    const started = Date.now();
    await engine.stop();
    expect(Date.now() - started).toBeLessThan(5000 + 3000); // within Grace
    expect(engine.metrics().outputs[0]!.restarts).toBeGreaterThanOrEqual(1);
  });

  it('refuses a bad tributary.isolation value with the fix', async () => {
    const { engine } = pipeline({ out_file: join(dir, 'bad.jsonl'), 'tributary.isolation': 'thread' });
    await expect(engine.start()).rejects.toThrow("recorder.0: 'tributary.isolation' must be 'in_process' (the default) or 'process' (a host process of its own), got 'thread'.");
  });
});
