import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import type { FlushResult } from './plugin.js';
import { collectingOutput } from './testing/collecting-output.js';
import { manualInput } from './testing/manual-input.js';

const memrb = [{ key: 'storage.type', value: 'memrb' }];
/** 100 kB records: 21 fill a 2 MB chunk. */
const big = (n: number) => ({ n, pad: 'x'.repeat(100_000) });

function memrbEngine(results: Array<FlushResult | Promise<FlushResult>>, memBufLimit: number) {
  const input = manualInput();
  const output = collectingOutput(results);
  const engine = new Engine({
    inputs: [{ plugin: input.plugin, alias: 'ring', memBufLimit, coreProperties: memrb }],
    outputs: [{ plugin: output.plugin, match: '*', retryLimit: -1 }],
    backoff: { base: 30, cap: 30 },
    random: () => 0.5,
    grace: 1,
  });
  return { input, output, engine };
}

/** The record numbers the output received, leaving out its first `refused` flushes. */
const numbers = (output: ReturnType<typeof collectingOutput>, refused = 0) => output.events().slice(refused * 21).map((event) => (event.body as { n: number }).n);

describe('storage.type memrb', () => {
  it('is never paused over Mem_Buf_Limit: the oldest chunks waiting for a retry are dropped and counted, the newest delivered', async () => {
    // The 9 full chunks are refused once and wait 30 s for their retry, so nothing leaves on its own.
    const { input, output, engine } = memrbEngine(Array.from({ length: 9 }, () => 'retry'), 5_000_000);
    await engine.start();
    const accepted: boolean[] = [];
    for (let n = 0; n < 200; n++) {
      accepted.push(input.append(big(n)));
      if (n % 21 === 20) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(accepted.every(Boolean)).toBe(true);
    expect(input.state.paused).toBe(0);
    const metrics = engine.metrics().inputs[0]!;
    expect(metrics.memrbDroppedChunks).toBeGreaterThanOrEqual(6);
    expect(metrics.memrbDroppedBytes).toBeGreaterThan(metrics.memrbDroppedChunks! * 2_000_000);
    const held = engine.storageStatus()[0]!;
    expect(held.bufferedBytes).toBeLessThan(5_000_000 + 2_200_000);
    // Shutdown retries what is left at once: only the newest records are there, in order, up to the last.
    await engine.stop();
    const delivered = numbers(output, 9);
    expect(delivered.at(-1)).toBe(199);
    expect(delivered).toEqual(Array.from({ length: delivered.length }, (_, i) => 200 - delivered.length + i));
    expect(delivered.length).toBeLessThan(200 - 6 * 21 + 21);
  });

  it('never drops a chunk that is being flushed; an append that cannot make room is refused', async () => {
    let finish!: (result: FlushResult) => void;
    const slow = new Promise<FlushResult>((resolve) => (finish = resolve));
    const { input, output, engine } = memrbEngine([slow], 2_100_000);
    await engine.start();
    for (let n = 0; n < 21; n++) input.append(big(n));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(output.flushes).toHaveLength(1);
    // The only chunk is in a running flush: nothing can be released, the record is refused.
    expect(input.append(big(21))).toBe(false);
    expect(engine.metrics().inputs[0]!.memrbDroppedChunks).toBe(0);
    expect(engine.metrics().inputs[0]!.droppedRecords).toBe(1);
    finish('ok');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(input.append(big(22))).toBe(true);
    await engine.stop();
    expect(numbers(output)).toEqual([...Array.from({ length: 21 }, (_, i) => i), 22]);
  });

  it('has no memrb counters on inputs of other storage types', () => {
    const input = manualInput();
    const output = collectingOutput();
    const engine = new Engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: output.plugin, match: '*' }] });
    expect(engine.metrics().inputs[0]!.memrbDroppedChunks).toBeUndefined();
  });
});
