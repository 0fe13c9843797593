import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { describe, expect, it } from 'vitest';
import { Engine, type EngineStorageOptions } from './engine.js';
import { readChunkFile } from './storage/chunk-file.js';
import type { FlushResult } from './plugin.js';
import { collectingOutput } from './testing/collecting-output.js';
import { manualInput } from './testing/manual-input.js';

const filesystem = [{ key: 'storage.type', value: 'filesystem' }];

function storage(options: Partial<EngineStorageOptions> = {}): EngineStorageOptions {
  return { path: mkdtempSync(join(tmpdir(), 'storage-')), fullSync: false, checksum: true, backlogMemLimit: 5_000_000, deleteIrrecoverable: false, ...options };
}

/** One run of an engine: a manual input with filesystem storage, outputs answering `results` (then ok). */
async function run(store: EngineStorageOptions, outputs: Array<ReturnType<typeof collectingOutput>>, records: number, grace = 1) {
  const input = manualInput();
  const logs: string[] = [];
  const engine = new Engine({
    inputs: [{ plugin: input.plugin, alias: 'in', tag: 'app', coreProperties: filesystem }],
    outputs: outputs.map((output, i) => ({ plugin: output.plugin, alias: `out${i}`, match: '*', retryLimit: -1 })),
    storage: store,
    grace,
    backoff: { base: 0.05, cap: 0.05 },
    random: () => 0.5,
    logger: createLogger({ level: 'info', sink: { write: (line) => void logs.push(line) } }),
  });
  await engine.start();
  for (let i = 0; i < records; i++) {
    input.append({ n: i });
    await Promise.resolve(); // one turn per record: one frame each in the chunk file
  }
  engine.flush();
  await new Promise((resolve) => setTimeout(resolve, 150));
  await engine.stop();
  return { logs: logs.join(''), metrics: engine.metrics() };
}

const chunkFiles = (root: string) => readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.chunk'));
const numbers = (output: ReturnType<typeof collectingOutput>) => output.events().map((event) => (event.body as { n: number }).n);
const retryForever = (): FlushResult[] => Array.from({ length: 1000 }, () => 'retry');

describe('filesystem storage', () => {
  it('writes each chunk to a file under the input folder and deletes it once delivered', async () => {
    const store = storage();
    const output = collectingOutput();
    await run(store, [output], 3);
    expect(numbers(output)).toEqual([0, 1, 2]);
    expect(readdirSync(store.path)).toEqual(['in']);
    expect(chunkFiles(store.path)).toEqual([]);
  });

  it('writes the records appended in one turn as one frame when the turn ends, before a later promise reaction runs', async () => {
    const store = storage();
    const input = manualInput();
    const engine = new Engine({
      inputs: [{ plugin: input.plugin, alias: 'in', tag: 'app', coreProperties: filesystem }],
      outputs: [{ plugin: collectingOutput().plugin, match: '*' }],
      storage: store,
      logger: createLogger({ level: 'error' }),
    });
    await engine.start();
    for (let i = 0; i < 100; i++) input.append({ n: i });
    const [file] = chunkFiles(store.path);
    const path = join(store.path, file!);
    const header = readFileSync(path).length;
    await Promise.resolve();
    const written = readFileSync(path);
    const frame = written.subarray(header);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 8); // one frame of every record
    expect(frame.length).toBeGreaterThan(100 * 6);
    await engine.stop();
  });

  it('keeps what shutdown left undelivered (Grace over) and delivers it at the next start, then deletes it', async () => {
    const store = storage();
    const down = collectingOutput(retryForever());
    const first = await run(store, [down], 5);
    expect(numbers(down).length).toBeGreaterThan(0); // tried, never delivered
    expect(chunkFiles(store.path)).toHaveLength(1);
    expect(first.logs).toContain('Grace period of 1 s is over');
    const up = collectingOutput();
    const second = await run(store, [up], 0);
    expect(numbers(up)).toEqual([0, 1, 2, 3, 4]);
    expect(second.logs).toContain('1 chunks of a previous run found');
    expect(chunkFiles(store.path)).toEqual([]);
  });

  it('keeps the chunk of a slow flush still running when Grace ends and that then fails (fluent-bit#6265)', async () => {
    const store = storage();
    const slow = collectingOutput([new Promise<FlushResult>((resolve) => setTimeout(() => resolve('retry'), 2500))]);
    await run(store, [slow], 4);
    expect(chunkFiles(store.path)).toHaveLength(1);
    const up = collectingOutput();
    await run(store, [up], 0);
    expect(numbers(up)).toEqual([0, 1, 2, 3]);
  });

  it('after a restart, sends a chunk only to the outputs that still owed it', async () => {
    const store = storage();
    const delivered = collectingOutput();
    const down = collectingOutput(retryForever());
    await run(store, [delivered, down], 2);
    expect(numbers(delivered)).toEqual([0, 1]);
    const [file] = chunkFiles(store.path);
    expect(readFileSync(join(store.path, `${file!}.done`), 'utf8')).toBe('out0\n');
    const again = [collectingOutput(), collectingOutput()];
    await run(store, again, 0);
    expect(numbers(again[0]!)).toEqual([]);
    expect(numbers(again[1]!)).toEqual([0, 1]);
    expect(chunkFiles(store.path)).toEqual([]);
  });

  it('keeps the whole records of a file torn by a crash, and sets aside a corrupt one, counting both; the rest is delivered', async () => {
    const store = storage();
    await run(store, [collectingOutput(retryForever())], 3);
    await run(store, [collectingOutput(retryForever())], 2);
    const [older, newer] = chunkFiles(store.path).sort();
    const olderPath = join(store.path, older!);
    const newerPath = join(store.path, newer!);
    // The older file loses half its last frame (a crash mid-write); the newer one gets a flipped byte.
    const torn = readFileSync(olderPath);
    writeFileSync(olderPath, torn.subarray(0, torn.length - 5));
    const corrupt = readFileSync(newerPath);
    corrupt[corrupt.length - 3]! ^= 0xff;
    writeFileSync(newerPath, corrupt);
    const output = collectingOutput();
    const { logs } = await run(store, [output], 0);
    expect(numbers(output)).toEqual([0, 1]);
    expect(logs).toContain('a last write cut short by a crash');
    expect(logs).toMatch(/is irrecoverable \(checksum mismatch in the frame at byte \d+\): moved to/);
    expect(existsSync(newerPath)).toBe(false);
    expect(readdirSync(join(store.path, 'irrecoverable'))).toEqual([`in-${newer!.split('/').pop()}`]);
  });

  it('refuses filesystem storage without storage.path, and an unknown type, saying what to do', () => {
    const input = manualInput();
    const output = collectingOutput();
    const build = (type: string, withStorage: boolean) =>
      new Engine({ inputs: [{ plugin: input.plugin, coreProperties: [{ key: 'storage.type', value: type }] }], outputs: [{ plugin: output.plugin, match: '*' }], storage: withStorage ? storage() : undefined });
    expect(() => build('filesystem', false)).toThrow('storage.type filesystem needs a folder for the chunks: set storage.path in [SERVICE] (or -b).');
    expect(() => build('memrb', false)).not.toThrow();
    expect(() => build('disk', true)).toThrow("storage.type must be memory, filesystem or memrb, not 'disk'.");
  });

  it('storage.keep.rejected: a chunk an output drops is copied to the dead-letter folder, never replayed; storage.rejected.limit caps it', async () => {
    const store = storage({ keepRejected: true, rejectedLimit: 150 });
    const refused = () => collectingOutput(Array.from({ length: 10 }, () => 'error' as FlushResult));
    const { logs } = await run(store, [refused()], 3);
    const [kept] = readdirSync(join(store.path, 'rejected'));
    expect(kept).toMatch(/^app_0_out0_\d+-\d+\.chunk$/);
    const contents = readChunkFile(readFileSync(join(store.path, 'rejected', kept!)));
    expect(contents.ok && [contents.tag, contents.count]).toEqual(['app', 3]);
    expect(logs).toContain('[storage] quarantined rejected chunk into DLQ stream (bytes=');
    // The next start replays nothing from it, and past the limit no copy is made.
    const next = collectingOutput(Array.from({ length: 10 }, () => 'error' as FlushResult));
    const second = await run(store, [next], 5);
    expect(numbers(next)).toEqual([0, 1, 2, 3, 4]);
    expect(readdirSync(join(store.path, 'rejected'))).toHaveLength(1);
    expect(second.logs).toMatch(/\[storage\] DLQ size limit (reached|exceeded) .*rejected chunk copy skipped/);
  });
});
