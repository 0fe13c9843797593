// Benchmark: `dummy` → `null` with the input's chunks in memory, then on disk
// (`storage.type filesystem`: checksum off, on, then `storage.sync full`), in one process, one after the other.
// Prints one JSON line per run: records/s delivered, MB/s, peak RSS, event-loop delay.
//   pnpm turbo run build && node tools/bench/storage.mjs [seconds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { dummyInput } from '@tributary/inputs';
import { nullOutput } from '@tributary/outputs';
import { runEngineFor } from './run-engine.mjs';

const seconds = Number(process.argv[2] ?? 10);
const dummy = '{"log":"GET /index.html 200","level":"info","host":"web-1","bytes":512}';
const runs = [
  { name: 'memory', storage: undefined },
  { name: 'filesystem', storage: { fullSync: false, checksum: false } },
  { name: 'filesystem-checksum', storage: { fullSync: false, checksum: true } },
  { name: 'filesystem-sync-full', storage: { fullSync: true, checksum: false } },
];
for (const { name, storage } of runs) {
  const path = mkdtempSync(join(tmpdir(), 'bench-storage-'));
  const engine = new Engine({
    logger: createLogger({ level: 'warn' }),
    inputs: [{ plugin: dummyInput, properties: [{ key: 'rate', value: '20000000' }, { key: 'dummy', value: dummy }], coreProperties: storage ? [{ key: 'storage.type', value: 'filesystem' }] : [] }],
    outputs: [{ plugin: nullOutput }],
    storage: storage ? { path, ...storage, backlogMemLimit: 5_000_000, deleteIrrecoverable: false } : undefined,
  });
  console.log(JSON.stringify({ bench: `dummy-${name}-null`, ...(await runEngineFor(engine, seconds)), node: process.version }));
  rmSync(path, { recursive: true, force: true });
}
