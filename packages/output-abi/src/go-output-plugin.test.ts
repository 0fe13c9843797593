import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@tributary/base';
import { Engine, type EngineOutputSpec } from '@tributary/core';
import { manualInput } from '@tributary/core/testing';
import { EventTime, Float64 } from '@tributary/msgpack';
import koffi from 'koffi';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCFixture, buildRecorder, FLUENT_BIT_GO_VERSIONS, hasGo } from '@tributary/native-fixtures';
import { GoPluginLibrary } from './go-plugin-library.js';
import { goOutputPlugin } from './go-output-plugin.js';

const goAvailable = hasGo();
const quiet = silentLogger;

function props(record: Record<string, string>) {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

/** One line the recorder fixture wrote. */
interface RecorderEvent {
  event: string;
  id?: string;
  tag?: string;
  properties?: Record<string, string>;
  records: Array<{ ts_type: string; sec?: number; nsec?: number; record: Record<string, unknown>; types: Record<string, string> }>;
}

function events(file: string): RecorderEvent[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RecorderEvent);
}

const BODY = { message: 'hello', count: 42, large: 300, negative: -7, ratio: new Float64(0.5), ok: true, nested: { deep: 'x' }, list: [1, 'two'] };
const TIME = new EventTime(1700000000, 123456789);

async function runRecorder(path: string, outputs: Array<Record<string, string>>, extra: Partial<EngineOutputSpec> = {}) {
  const library = GoPluginLibrary.load(path);
  const input = manualInput();
  const engine = new Engine({
    logger: quiet,
    flush: 60,
    inputs: [{ plugin: input.plugin, tag: 'app.log' }],
    outputs: outputs.map((properties) => ({ plugin: goOutputPlugin(library), match: '*', properties: props(properties), ...extra })),
  });
  await engine.start();
  return { engine, input, library };
}

describe.runIf(goAvailable)('Go output plugins through the real fluent-bit-go decoder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-recorder-'));
  const builds: Record<string, string> = {};
  beforeAll(() => {
    for (const [label, { modfile }] of Object.entries(FLUENT_BIT_GO_VERSIONS)) builds[label] = buildRecorder(modfile);
  });

  for (const label of Object.keys(FLUENT_BIT_GO_VERSIONS)) {
    it(`fluent-bit-go ${label} decodes every record, timestamp and type`, async () => {
      const file = join(dir, `${label.replace(/\W/g, '_')}.jsonl`);
      const { engine } = await runRecorder(builds[label]!, [{ id: 'one', out_file: file }]).then((run) => {
        run.input.appendAt(TIME.sec, TIME.nsec, BODY);
        run.input.appendAt(1700000001, 0, { message: 'second' }, { m: 1 });
        return run;
      });
      await engine.stop();
      const flush = events(file).find((e) => e.event === 'flush')!;
      expect(flush.tag).toBe('app.log');
      expect(flush.records).toHaveLength(2);
      const [first, second] = flush.records as [RecorderEvent['records'][number], RecorderEvent['records'][number]];
      expect(first).toMatchObject({ ts_type: 'output.FLBTime', sec: 1700000000, nsec: 123456789 });
      expect(second).toMatchObject({ ts_type: 'output.FLBTime', sec: 1700000001, nsec: 0 });
      expect(first.record).toEqual({ message: 'hello', count: 42, large: 300, negative: -7, ratio: 0.5, ok: true, nested: { deep: 'x' }, list: [1, 'two'] });
      expect(first.types).toEqual({
        message: '[]uint8',
        // ugorji v1.1.7: positive fixint → int64, uint8..uint64 → uint64 (spec 3.2).
        count: 'int64',
        large: 'uint64',
        negative: 'int64',
        ratio: 'float64',
        ok: 'bool',
        nested: 'map[interface {}]interface {}',
        list: '[]interface {}',
      });
    });
  }

  it('shows why old plugins need legacy records: a pre-2023-07 decoder given v2 returns the header as the timestamp', async () => {
    const file = join(dir, 'forced-v2.jsonl');
    const { engine, input } = await runRecorder(builds['2020-07 (b9c0d6a)']!, [{ out_file: file, 'tributary.event_format': 'v2' }]);
    input.appendAt(TIME.sec, TIME.nsec, { message: 'x' });
    await engine.stop();
    const flush = events(file).find((e) => e.event === 'flush')!;
    // A plugin doing ts.(output.FLBTime) panics here and takes the host down (fluent-bit-go#64).
    expect(flush.records[0]!.ts_type).toBe('[]interface {}');
  });

  it('runs several instances with their own contexts, then pre-exit, exit and one unregister', async () => {
    const file = join(dir, 'multi.jsonl');
    const { engine, input, library } = await runRecorder(builds['2023-07 (a7a013e)']!, [
      { id: 'first', out_file: file },
      { id: 'second', out_file: file },
    ]);
    input.append({ n: 1 });
    await engine.stop();
    await library.unregister();
    await library.unregister();
    const log = events(file);
    expect(log.map((e) => `${e.event}${e.id ? `:${e.id}` : ''}`)).toEqual([
      'init:first',
      'init:second',
      'prerun',
      'prerun',
      expect.stringMatching(/^flush:(first|second)$/),
      expect.stringMatching(/^flush:(first|second)$/),
      'preexit',
      'exit:first',
      'preexit',
      'exit:second',
      'unregister',
    ]);
    expect(log.filter((e) => e.event === 'flush').map((e) => e.id).sort()).toEqual(['first', 'second']);
  });

  it('passes properties to FLBPluginConfigKey case-insensitively, first occurrence winning, missing as ""', async () => {
    const file = join(dir, 'props.jsonl');
    const { engine } = await runRecorder(builds['2023-07 (a7a013e)']!, [
      { ID: 'upper', out_file: file, duplicate: 'first', tag: 'kept' },
    ]);
    await engine.stop();
    const init = events(file).find((e) => e.event === 'init')!;
    expect(init.properties).toMatchObject({ id: 'upper', ID: 'upper', tag: 'kept', missing: '', 'tributary.event_format': '' });
  });

  it('fails start with the plugin and instance named when FLBPluginInit fails, and never flushes', async () => {
    const file = join(dir, 'fail.jsonl');
    const library = GoPluginLibrary.load(builds['2023-07 (a7a013e)']!);
    const input = manualInput();
    const engine = new Engine({
      logger: quiet,
      inputs: [{ plugin: input.plugin }],
      outputs: [{ plugin: goOutputPlugin(library), properties: props({ out_file: file, fail_init: 'true' }) }],
    });
    await expect(engine.start()).rejects.toThrow("failed to initialize output 'recorder.0': Go plugin 'recorder' failed to initialize recorder.0 (FLBPluginInit returned 0).");
    expect(events(file).map((e) => e.event)).toEqual(['init']);
  });
});

describe('flush results, concurrency and the event loop (C fixtures)', () => {
  it('retries FLB_RETRY through the core retry path until FLB_OK', async () => {
    const path = buildCFixture('RETRY', 'c_retry');
    const library = GoPluginLibrary.load(path);
    const input = manualInput();
    const engine = new Engine({
      logger: quiet,
      random: () => 0,
      backoff: { base: 1, cap: 1 },
      inputs: [{ plugin: input.plugin }],
      outputs: [{ plugin: goOutputPlugin(library), retryLimit: 3, properties: props({ retries: '2' }) }],
    });
    await engine.start();
    input.append({ n: 1 });
    engine.flush();
    // Two retries, 2 s apart (base 1 + 1): wait until the record is delivered.
    const until = Date.now() + 15_000;
    while (engine.metrics().outputs[0]!.procRecords === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(engine.metrics().outputs[0]).toMatchObject({ retries: 2, procRecords: 1, droppedRecords: 0 });
    expect(koffi.load(path).func('int FixtureFlushCalls(void)')()).toBe(3);
    await engine.stop();
  }, 30_000);

  it('runs up to `workers` flushes at once on other threads while the event loop keeps running', async () => {
    const path = buildCFixture('SLOW', 'c_slow');
    const library = GoPluginLibrary.load(path);
    const input = manualInput();
    const engine = new Engine({
      logger: quiet,
      flush: 60,
      inputs: [{ plugin: input.plugin }],
      outputs: [{ plugin: goOutputPlugin(library), workers: 2, properties: props({ sleep_ms: '600' }) }],
    });
    await engine.start();
    for (let i = 0; i < 4; i++) input.append({ i }, `t${i}`);
    const running = koffi.load(path).func('int FixtureRunning(void)');
    engine.flush();
    // A timer of the event loop fires while both flushes sleep on other threads; had a flush
    // run on the event loop, the timer could only fire after it.
    const runningWhileTimerFired = await new Promise((resolve) => setTimeout(() => resolve(running()), 200));
    expect(runningWhileTimerFired).toBe(2);
    await engine.stop();
    expect(koffi.load(path).func('int FixtureMaxConcurrent(void)')()).toBe(2);
    expect(engine.metrics().outputs[0]).toMatchObject({ procRecords: 4 });
  }, 20_000);
});
