import { mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { describe, expect, it } from 'vitest';
import { Engine, type EngineStorageOptions } from './engine.js';
import type { EngineOutputSpec } from './engine-instances.js';
import type { FlushResult } from './plugin.js';
import { collectingOutput } from './testing/collecting-output.js';
import { manualInput } from './testing/manual-input.js';

/** 100 kB records: 21 fill a 2 MB chunk. */
const big = (n: number) => ({ n, pad: 'x'.repeat(100_000) });
const refusals = (count: number): FlushResult[] => Array.from({ length: count }, () => 'retry');
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** The record numbers of an output's flushes, leaving out its first `refused` ones. */
const delivered = (output: ReturnType<typeof collectingOutput>, refused = 0) => {
  const skipped = output.flushes.slice(0, refused).reduce((sum, flush) => sum + flush.records, 0);
  return output.events().slice(skipped).map((event) => (event.body as { n: number }).n);
};
const chunkFiles = (root: string) => readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.chunk'));
const turn = () => new Promise((resolve) => setTimeout(resolve, 5));

function filesystemEngine(options: { memBufLimit?: number; maxChunksUp?: number; pauseOnChunksOverlimit?: boolean; outputs: EngineOutputSpec[]; backoff?: number }) {
  const input = manualInput();
  const storage: EngineStorageOptions = { path: mkdtempSync(join(tmpdir(), 'storage-limits-')), fullSync: false, checksum: false, backlogMemLimit: 5_000_000, deleteIrrecoverable: false, maxChunksUp: options.maxChunksUp };
  const coreProperties = [{ key: 'storage.type', value: 'filesystem' }];
  if (options.pauseOnChunksOverlimit) coreProperties.push({ key: 'storage.pause_on_chunks_overlimit', value: 'on' });
  const engine = new Engine({
    inputs: [{ plugin: input.plugin, alias: 'disk', memBufLimit: options.memBufLimit ?? 0, coreProperties }],
    outputs: options.outputs,
    storage,
    backoff: { base: options.backoff ?? 30, cap: options.backoff ?? 30 },
    random: () => 0.5,
    grace: 2,
    logger: createLogger({ level: 'error' }),
  });
  return { input, engine, path: storage.path };
}

async function appendBig(input: ReturnType<typeof manualInput>, count: number): Promise<boolean[]> {
  const accepted: boolean[] = [];
  for (let n = 0; n < count; n++) {
    accepted.push(input.append(big(n)));
    if (n % 21 === 20) await turn(); // the full chunk is written, dispatched and refused
  }
  return accepted;
}

describe('filesystem storage limits', () => {
  it('over Mem_Buf_Limit puts sealed chunks down instead of pausing the input; they are read back from their files to be delivered', async () => {
    const output = collectingOutput(refusals(9));
    const { input, engine, path } = filesystemEngine({ memBufLimit: 5_000_000, outputs: [{ plugin: output.plugin, match: '*', retryLimit: -1 }] });
    await engine.start();
    expect((await appendBig(input, 200)).every(Boolean)).toBe(true);
    expect(input.state.paused).toBe(0);
    const status = engine.storageStatus()[0]!;
    expect(status.chunks).toBe(10);
    expect(status.downChunks).toBeGreaterThanOrEqual(6);
    expect(status.bufferedBytes).toBeLessThan(5_000_000 + 2_200_000);
    expect(chunkFiles(path)).toHaveLength(10);
    // Shutdown retries at once: every chunk comes up from its file and is delivered, whole.
    await engine.stop();
    expect(delivered(output, 9).sort((a, b) => a - b)).toEqual(range(0, 200));
    expect(chunkFiles(path)).toEqual([]);
  });

  it('retries a chunk whose file cannot be read back when it is down, and delivers it once the file is there again', async () => {
    const output = collectingOutput(refusals(1));
    const { input, engine, path } = filesystemEngine({ memBufLimit: 1_000_000, backoff: 0.2, outputs: [{ plugin: output.plugin, match: '*', retryLimit: -1 }] });
    await engine.start();
    await appendBig(input, 21); // one full chunk, refused once: it waits for its retry
    input.append({ n: 21 }); // over Mem_Buf_Limit: the waiting chunk goes down
    expect(engine.storageStatus()[0]!.downChunks).toBe(1);
    const full = join(path, chunkFiles(path).sort()[0]!);
    renameSync(full, `${full}.away`);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the retry cannot read it: retried again
    renameSync(`${full}.away`, full);
    await engine.stop();
    expect(delivered(output, 1).sort((a, b) => a - b)).toEqual(range(0, 22));
    expect(engine.metrics().outputs[0]!.droppedRecords).toBe(0);
  });

  it('keeps at most storage.max_chunks_up chunks in memory across the filesystem inputs', async () => {
    const output = collectingOutput(refusals(9));
    const { input, engine } = filesystemEngine({ maxChunksUp: 2, outputs: [{ plugin: output.plugin, match: '*', retryLimit: -1 }] });
    await engine.start();
    expect((await appendBig(input, 200)).every(Boolean)).toBe(true);
    const status = engine.storageStatus()[0]!;
    expect(status.chunks - status.downChunks).toBeLessThanOrEqual(2);
    expect(status.downChunks).toBeGreaterThanOrEqual(8);
    await engine.stop();
    expect(delivered(output, 9).sort((a, b) => a - b)).toEqual(range(0, 200));
  });

  it('storage.pause_on_chunks_overlimit pauses the input at storage.max_chunks_up and resumes it once a chunk is delivered', async () => {
    const output = collectingOutput(refusals(1));
    const { input, engine } = filesystemEngine({ maxChunksUp: 2, pauseOnChunksOverlimit: true, backoff: 0.2, outputs: [{ plugin: output.plugin, match: '*', retryLimit: -1 }] });
    await engine.start();
    const accepted = await appendBig(input, 22); // a full chunk waiting for its retry, and an open one: 2 up
    expect(accepted.every(Boolean)).toBe(true);
    expect(input.state.paused).toBe(1);
    expect(input.append(big(22))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the retry (after 1.2 s) delivers the full chunk
    expect(input.state.resumed).toBe(1);
    expect(input.append(big(23))).toBe(true);
    await engine.stop();
    expect(delivered(output, 1).sort((a, b) => a - b)).toEqual([...range(0, 22), 23]);
    expect(engine.metrics().inputs[0]!.droppedRecords).toBe(1);
  });

  it('storage.total_limit_size drops the oldest chunks an output owes, for that output only; the newest are delivered to it', async () => {
    const limited = collectingOutput(refusals(9));
    const other = collectingOutput();
    const { input, engine, path } = filesystemEngine({
      outputs: [
        { plugin: limited.plugin, alias: 'limited', match: '*', retryLimit: -1, coreProperties: [{ key: 'storage.total_limit_size', value: '5M' }] },
        { plugin: other.plugin, alias: 'other', match: '*' },
      ],
    });
    await engine.start();
    await appendBig(input, 200);
    const [limitedMetrics, otherMetrics] = engine.metrics().outputs;
    expect(limitedMetrics!.droppedRecords).toBeGreaterThanOrEqual(6 * 21);
    expect(otherMetrics!.droppedRecords).toBe(0);
    await engine.stop();
    expect(delivered(other)).toEqual(range(0, 200));
    // What it kept is newer data (a chunk in a running flush is never dropped, so not a strict suffix), each record once.
    const kept = delivered(limited, 9).sort((a, b) => a - b);
    expect(kept.at(-1)).toBe(199);
    expect(kept[0]).toBeGreaterThanOrEqual(6 * 21);
    expect(new Set(kept).size).toBe(kept.length);
    expect(kept.length).toBe(200 - engine.metrics().outputs[0]!.droppedRecords);
    expect(chunkFiles(path)).toEqual([]);
  });

  it('refuses a storage.total_limit_size that is not a size, naming the output', () => {
    expect(
      () =>
        filesystemEngine({ outputs: [{ plugin: collectingOutput().plugin, alias: 'out', match: '*', coreProperties: [{ key: 'storage.total_limit_size', value: 'lots' }] }] }),
    ).toThrow("out: storage.total_limit_size is a size such as 500M, not 'lots'.");
  });
});
