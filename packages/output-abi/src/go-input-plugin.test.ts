import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@tributary/base';
import { Engine, type EngineInputSpec } from '@tributary/core';
import { collectingOutput } from '@tributary/core/testing';
import { buildGoInput, hasGo } from '@tributary/native-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { goInputPlugin } from './go-input-plugin.js';
import { GoPluginLibrary } from './go-plugin-library.js';

const goAvailable = hasGo();
const BUILDS = { '2023-07 (a7a013e)': 'go.mod', '2023-05 (b93d969)': 'go.2023-05.mod' } as const;

function props(record: Record<string, string>) {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs Go input instances into a collecting output until `records` arrived, then stops. */
async function collect(path: string, inputs: Array<Omit<Partial<EngineInputSpec>, 'properties'> & { properties: Record<string, string> }>, records: number) {
  const library = GoPluginLibrary.load(path);
  const output = collectingOutput();
  const engine = new Engine({
    logger: silentLogger,
    flush: 0.2,
    inputs: inputs.map(({ properties, ...spec }) => ({ plugin: goInputPlugin(library), ...spec, properties: props(properties) })),
    outputs: [{ plugin: output.plugin, match: '*' }],
  });
  await engine.start();
  try {
    await until(() => output.events().length >= records);
  } finally {
    await engine.stop();
  }
  return { events: output.events(), metrics: engine.metrics() };
}

const state = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;

describe.runIf(goAvailable)('Go input plugins (fluent-bit-go input package)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-go-input-'));
  const builds: Record<string, string> = {};
  beforeAll(() => {
    for (const [label, modfile] of Object.entries(BUILDS)) builds[label] = buildGoInput(modfile);
  });

  for (const label of Object.keys(BUILDS)) {
    it(`fluent-bit-go ${label}: two instances each deliver their own records once, with their own context`, async () => {
      const a = join(dir, `${label.replace(/\W/g, '_')}-a.json`);
      const { events } = await collect(
        builds[label]!,
        [
          { tag: 'go.a', properties: { label: 'a', total: '7', batch: '3', state_file: a } },
          { tag: 'go.b', properties: { label: 'b', total: '5', batch: '3' } },
        ],
        12,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500)); // a collection after the last record finds nothing more
      const byLabel = (wanted: string) => events.filter((event) => event.body.label === wanted);
      expect(byLabel('a').map((event) => event.body.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(byLabel('b').map((event) => event.body.n)).toEqual([0, 1, 2, 3, 4]);
      expect(new Set(byLabel('a').map((event) => event.tag))).toEqual(new Set(['go.a']));
      expect(new Set(byLabel('b').map((event) => event.tag))).toEqual(new Set(['go.b']));
      // The legacy [EventTime, map] the Go encoder writes arrives as v2 with its own time.
      expect(Math.abs(events[0]!.time.sec - Date.now() / 1000)).toBeLessThan(30);
      // Exit wrote the state: a cleanup per collection that returned data, PreRun/PreExit per instance.
      expect(state(a)).toMatchObject({ emitted: 7, cleanups: 3, preRuns: 2, preExits: 2 });
    });
  }

  it('pauses on Mem_Buf_Limit (FLBPluginInputPause), resumes once delivered, and loses nothing', async () => {
    const file = join(dir, 'paused.json');
    const { events, metrics } = await collect(builds['2023-07 (a7a013e)']!, [{ memBufLimit: 1, properties: { label: 'p', total: '9', batch: '3', state_file: file } }], 9);
    expect(events.map((event) => event.body.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(metrics.inputs[0]!.droppedRecords).toBe(0);
    const seen = state(file);
    expect(seen.pauses).toBeGreaterThanOrEqual(2);
    expect(seen.resumes).toBeGreaterThanOrEqual(2);
  });
});
