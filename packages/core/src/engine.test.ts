import { createLogger, silentLogger } from '@tributary/base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeEvents } from './event-codec.js';
import { Engine, type EngineOptions } from './engine.js';
import { defineInput, defineOutput, type FlushChunk, type FlushResult } from './plugin.js';
import { collectingOutput as recordingOutput, manualInput } from './testing/index.js';

const quiet = silentLogger;

function engine(options: Omit<EngineOptions, 'logger'>): Engine {
  return new Engine({ logger: quiet, random: () => 0, ...options });
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Engine flushing and routing', () => {
  it('delivers buffered records every Flush seconds, one chunk per tag', async () => {
    const input = manualInput();
    const output = recordingOutput();
    const e = engine({ flush: 2, inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin }] });
    await e.start();
    input.append({ n: 1 });
    input.append({ n: 2 });
    input.append({ n: 3 }, 'other');
    await vi.advanceTimersByTimeAsync(1999);
    expect(output.flushes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(output.flushes.map((f) => [f.tag, f.records])).toEqual([
      ['manual.0', 2],
      ['other', 1],
    ]);
    const events = [...decodeEvents(output.flushes[0]!.data)];
    expect(events.map((event) => event.body)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(events[0]!.time.sec).toBe(1_700_000_000);
    await e.stop();
  });

  it('routes by Match and Match_Regex, and a lone input and output need no Match', async () => {
    const a = manualInput('a');
    const b = manualInput('b');
    const globOut = recordingOutput();
    const regexOut = recordingOutput();
    const unrouted = recordingOutput();
    const e = engine({
      inputs: [{ plugin: a.plugin, tag: 'app.web' }, { plugin: b.plugin, tag: 'sys.cpu' }],
      outputs: [
        { plugin: globOut.plugin, match: 'app.*' },
        { plugin: regexOut.plugin, matchRegex: '(sys|app)\\.' },
        { plugin: unrouted.plugin },
      ],
    });
    await e.start();
    a.append({ x: 1 });
    b.append({ y: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(globOut.flushes.map((f) => f.tag)).toEqual(['app.web']);
    expect(regexOut.flushes.map((f) => f.tag).sort()).toEqual(['app.web', 'sys.cpu']);
    expect(unrouted.flushes).toHaveLength(0);
    await e.stop();

    const lone = manualInput();
    const out = recordingOutput();
    const single = engine({ inputs: [{ plugin: lone.plugin }], outputs: [{ plugin: out.plugin }] });
    await single.start();
    lone.append({ z: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(out.flushes).toHaveLength(1);
    await single.stop();
  });

  it('flushes a chunk as soon as it passes 2 MB', async () => {
    const input = manualInput();
    const output = recordingOutput();
    const e = engine({ flush: 60, inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin }] });
    await e.start();
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 21; i++) input.append({ big });
    await vi.advanceTimersByTimeAsync(0);
    expect(output.flushes).toHaveLength(1);
    expect(output.flushes[0]!.records).toBe(21);
    await e.stop();
  });

  it('holds full chunks and collectors until every output is initialised', async () => {
    const input = manualInput();
    let collected = 0;
    const collecting = defineInput({
      name: 'ticker',
      description: '',
      configMap: {},
      init: (ctx) => (ctx.collectEvery(10, () => void collected++), {}),
    });
    let ready!: () => void;
    const flushed: number[] = [];
    const slowInit = defineOutput({
      name: 'slow_init',
      description: '',
      configMap: {},
      init: async () => {
        await new Promise<void>((resolve) => (ready = resolve));
        return { flush: (chunk: FlushChunk) => (flushed.push(chunk.records), 'ok' as const) };
      },
    });
    const e = engine({ flush: 60, inputs: [{ plugin: input.plugin }, { plugin: collecting }], outputs: [{ plugin: slowInit, match: '*' }] });
    const started = e.start();
    await vi.advanceTimersByTimeAsync(0);
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 21; i++) input.append({ big });
    await vi.advanceTimersByTimeAsync(100);
    expect(collected).toBe(0);
    expect(flushed).toEqual([]);
    ready();
    await started;
    await vi.advanceTimersByTimeAsync(20);
    expect(flushed).toEqual([21]);
    expect(collected).toBeGreaterThan(0);
    await e.stop();
  });

  it('runs at most `workers` flushes of one output at once', async () => {
    const input = manualInput();
    let running = 0;
    let peak = 0;
    const slow = defineOutput({
      name: 'slow',
      description: '',
      configMap: {},
      init: () => ({
        flush: async () => {
          peak = Math.max(peak, ++running);
          await new Promise((resolve) => setTimeout(resolve, 500));
          running--;
          return 'ok' as const;
        },
      }),
    });
    const e = engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: slow, workers: 2 }] });
    await e.start();
    for (let i = 0; i < 5; i++) input.append({ i }, `t${i}`);
    await vi.advanceTimersByTimeAsync(1000);
    expect(running).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(peak).toBe(2);
    expect(e.metrics().outputs[0]!.procRecords).toBe(5);
    await e.stop();
  });
});

describe('Engine retries', () => {
  it('retries after Fluent Bit backoff and gives up after Retry_Limit', async () => {
    const input = manualInput();
    const output = recordingOutput(['retry', 'retry', 'retry']);
    const e = engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin, retryLimit: 2 }] });
    await e.start();
    input.append({ n: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(output.flushes).toHaveLength(1);
    // random() = 0: first retry after base + 1 = 6 s, second after 6 s again.
    await vi.advanceTimersByTimeAsync(5999);
    expect(output.flushes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(output.flushes).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(6000);
    expect(output.flushes).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(output.flushes).toHaveLength(3);
    expect(e.metrics().outputs[0]).toMatchObject({ retries: 2, retriesFailed: 1, droppedRecords: 1, procRecords: 0 });
    await e.stop();
  });

  it('delivers when a retry succeeds', async () => {
    const input = manualInput();
    const output = recordingOutput(['retry']);
    const e = engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin }] });
    await e.start();
    input.append({ n: 1 });
    await vi.advanceTimersByTimeAsync(7000);
    expect(output.flushes).toHaveLength(2);
    expect(e.metrics().outputs[0]).toMatchObject({ retries: 1, procRecords: 1, droppedRecords: 0 });
    await e.stop();
  });

  it('drops at once with no_retries, and never retries an error', async () => {
    const input = manualInput();
    const noRetries = recordingOutput(['retry']);
    const failing = recordingOutput(['error']);
    const e = engine({
      inputs: [{ plugin: input.plugin }],
      outputs: [
        { plugin: noRetries.plugin, match: '*', retryLimit: 0 },
        { plugin: failing.plugin, match: '*', retryLimit: -1 },
      ],
    });
    await e.start();
    input.append({ n: 1 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(noRetries.flushes).toHaveLength(1);
    expect(failing.flushes).toHaveLength(1);
    const [a, b] = e.metrics().outputs;
    expect(a).toMatchObject({ retries: 0, retriesFailed: 1, droppedRecords: 1 });
    expect(b).toMatchObject({ errors: 1, droppedRecords: 1 });
    await e.stop();
  });

  it('retries forever with no_limits', async () => {
    const input = manualInput();
    const output = recordingOutput(Array<FlushResult>(8).fill('retry'));
    const e = engine({ backoff: { base: 1, cap: 2 }, inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin, retryLimit: -1 }] });
    await e.start();
    input.append({ n: 1 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(output.flushes).toHaveLength(9);
    expect(e.metrics().outputs[0]).toMatchObject({ retries: 8, procRecords: 1 });
    await e.stop();
  });

  it('treats a thrown flush as an error', async () => {
    const input = manualInput();
    const throwing = defineOutput({ name: 'throws', description: '', configMap: {}, init: () => ({ flush: () => { throw new Error('boom'); } }) });
    const e = engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: throwing }] });
    await e.start();
    input.append({ n: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(e.metrics().outputs[0]).toMatchObject({ errors: 1, droppedRecords: 1 });
    await e.stop();
  });
});

describe('Engine Mem_Buf_Limit', () => {
  it('pauses an input over its limit and resumes it once chunks are delivered', async () => {
    const input = manualInput();
    const output = recordingOutput();
    const e = engine({ inputs: [{ plugin: input.plugin, memBufLimit: 100 }], outputs: [{ plugin: output.plugin }] });
    await e.start();
    expect(input.append({ text: 'x'.repeat(120) })).toBe(true);
    expect(input.state.paused).toBe(1);
    expect(input.append({ text: 'refused' })).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(input.state.resumed).toBe(1);
    expect(input.append({ text: 'accepted' })).toBe(true);
    expect(e.metrics().inputs[0]).toMatchObject({ records: 2, droppedRecords: 1 });
    await e.stop();
  });
});

describe('Engine shutdown', () => {
  it('flushes what is buffered, then calls pre-exit and exit of outputs and exit of inputs', async () => {
    const input = manualInput();
    const output = recordingOutput();
    const e = engine({ flush: 60, inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin }] });
    await e.start();
    input.append({ n: 1 });
    await e.stop();
    expect(output.flushes).toHaveLength(1);
    expect(output.calls).toEqual(['preExit', 'exit']);
    expect(input.state.exited).toBe(1);
    expect(e.scheduler.size).toBe(0);
  });

  it('runs pending retries at once (1 s) instead of after their backoff', async () => {
    const input = manualInput();
    const output = recordingOutput(['retry']);
    const e = engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin, retryLimit: 5 }] });
    await e.start();
    input.append({ n: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    const stopped = e.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopped;
    expect(output.flushes).toHaveLength(2);
    expect(e.metrics().outputs[0]).toMatchObject({ procRecords: 1 });
  });

  it('gives up after Grace seconds and drops what is still pending', async () => {
    const input = manualInput();
    const output = recordingOutput(Array<FlushResult>(100).fill('retry'));
    const e = engine({ grace: 3, inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin, retryLimit: -1 }] });
    await e.start();
    input.append({ n: 1 });
    let done = false;
    const stopped = e.stop().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(2500);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    await stopped;
    // Retries during shutdown wait 1 s: the first flush and about one per second of grace.
    expect(output.flushes.length).toBeGreaterThanOrEqual(3);
    expect(e.metrics().outputs[0]).toMatchObject({ droppedRecords: 1, procRecords: 0 });
    expect(output.calls).toEqual(['preExit', 'exit']);
  });

  it('waits for a flush that is already running before calling exit', async () => {
    const input = manualInput();
    let release!: (result: FlushResult) => void;
    const output = recordingOutput([new Promise<FlushResult>((resolve) => (release = resolve))]);
    const e = engine({ grace: 1, inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin }] });
    await e.start();
    input.append({ n: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    const stopped = e.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(output.calls).toEqual([]);
    release('ok');
    await stopped;
    expect(output.calls).toEqual(['preExit', 'exit']);
  });

  it('starts nothing after the Grace deadline: drops what waits, waits for what runs, and says so', async () => {
    const input = manualInput();
    const lines: string[] = [];
    const log = createLogger({ sink: { write: (line) => lines.push(line) } });
    let running = 0;
    const started: number[] = [];
    const slow = defineOutput({
      name: 'slow',
      description: '',
      configMap: {},
      init: () => ({
        flush: async () => {
          started.push(Date.now());
          running++;
          await new Promise((resolve) => setTimeout(resolve, 3000));
          running--;
          return 'ok' as const;
        },
      }),
    });
    const e = new Engine({ logger: log, grace: 5, inputs: [{ plugin: input.plugin }], outputs: [{ plugin: slow }] });
    await e.start();
    for (let second = 0; second < 4; second++) {
      input.append({ second }, `t${second}`);
      await vi.advanceTimersByTimeAsync(1000);
    }
    const signalledAt = Date.now();
    let stoppedAt = 0;
    const stopped = e.stop().then(() => (stoppedAt = Date.now()));
    await vi.advanceTimersByTimeAsync(20_000);
    await stopped;
    const deadline = signalledAt + 5000;
    // Within Grace plus the one flush already running at the deadline (3 s at most).
    expect(stoppedAt - signalledAt).toBeLessThanOrEqual(5000 + 3000);
    expect(started.every((at) => at <= deadline)).toBe(true);
    expect(running).toBe(0);
    const metrics = e.metrics().outputs[0]!;
    // t0 runs 1–4 s, t1 4–7 s, t2 7–10 s (started before the 9 s deadline); t3 would start at 10 s.
    expect(metrics).toMatchObject({ procRecords: 3, droppedRecords: 1 });
    // At the deadline t2 is running and t3 waits: two tasks, one dropped and one waited for.
    expect(lines.join('')).toContain(
      'Grace period of 5 s is over with 2 tasks pending: 1 records that were queued or waiting for a retry are dropped; 1 flushes still running are waited for, and nothing new starts.',
    );
    expect(lines.join('')).toContain('[engine] service has stopped (2 pending tasks)');
  });
});

describe('Engine customs', () => {
  it('initialises customs before the inputs and outputs, and exits them after the outputs and before the inputs', async () => {
    const order: string[] = [];
    const custom = {
      kind: 'custom' as const,
      name: 'probe',
      description: '',
      configMap: { greeting: { type: 'string' as const, description: '' } },
      init: (ctx: { config: { greeting?: string }; name: string }) => {
        order.push(`custom init ${ctx.name} ${ctx.config.greeting}`);
        return { exit: () => void order.push('custom exit') };
      },
    };
    const input = defineInput({ name: 'in', description: '', configMap: {}, init: () => (order.push('input init'), { exit: () => void order.push('input exit') }) });
    const output = defineOutput({
      name: 'out',
      description: '',
      configMap: {},
      init: () => (order.push('output init'), { flush: () => 'ok' as const, exit: () => void order.push('output exit') }),
    });
    const e = engine({ customs: [{ plugin: custom, properties: [{ key: 'greeting', value: 'hi' }] }], inputs: [{ plugin: input }], outputs: [{ plugin: output }] });
    await e.start();
    await e.stop();
    expect(order).toEqual(['custom init probe.0 hi', 'input init', 'output init', 'output exit', 'custom exit', 'input exit']);
  });
});

describe('Engine records', () => {
  it('refuses a record it cannot encode without corrupting the chunk', async () => {
    const input = manualInput();
    const output = recordingOutput();
    const e = engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin }] });
    await e.start();
    input.append({ n: 1 });
    expect(() => input.state.context!.append({ bad: (() => 1) as never })).toThrow('manual.0: cannot encode the record: cannot encode a function as msgpack');
    input.append({ n: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    expect([...decodeEvents(output.flushes[0]!.data)].map((event) => event.body)).toEqual([{ n: 1 }, { n: 2 }]);
    await e.stop();
  });
});

describe('Engine validation', () => {
  it('rejects an unknown property and lists the allowed ones', () => {
    const plugin = defineInput({
      name: 'demo',
      description: '',
      configMap: { rate: { type: 'int', default: '1', description: '' }, tag_key: { type: 'string', description: '' } },
      init: () => ({}),
    });
    const out = recordingOutput();
    expect(
      () =>
        new Engine({
          logger: quiet,
          inputs: [{ plugin, properties: [{ key: 'Rat', value: '3', source: { file: 'a.conf', line: 7 } }] }],
          outputs: [{ plugin: out.plugin }],
        }),
    ).toThrow("a.conf:7: unknown property 'Rat' for demo.0. The allowed properties are: rate, tag_key.");
    expect(
      () =>
        new Engine({
          logger: quiet,
          inputs: [{ plugin, properties: [{ key: 'rate', value: 'fast', source: { file: 'a.conf', line: 8 } }] }],
          outputs: [{ plugin: out.plugin }],
        }),
    ).toThrow("a.conf:8: property 'rate' of demo.0 expects an integer, for example 'rate 5', but got 'fast'.");
  });

  it('fails start with the output named when its init throws, and exits what was started', async () => {
    const input = manualInput();
    const broken = defineOutput({ name: 'broken', description: '', configMap: {}, init: () => { throw new Error('cannot connect'); } });
    const e = engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: broken }] });
    await expect(e.start()).rejects.toThrow("failed to initialize output 'broken.0': cannot connect");
    expect(input.state.exited).toBe(1);
  });
});
