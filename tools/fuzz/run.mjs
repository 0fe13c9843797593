#!/usr/bin/env node
// A nightly-length run of every property test (every parser and framer of the project): the
// same tests the suite runs with 300 cases each, here with many more, from one seed that is
// printed first, so that a failure can be replayed exactly.
//   node tools/fuzz/run.mjs [cases per property, default 100000] [seed]
// Replay: node tools/fuzz/run.mjs <cases> <seed printed by the failing run>
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = process.argv[2] ?? '100000';
const seed = process.argv[3] ?? String(Math.floor(Math.random() * 2 ** 31));
// Every test file that uses fast-check, found rather than listed, so that a new one is never left out.
const PROPERTY_TESTS = ['packages', 'apps'].flatMap((top) => testFilesUnder(join(root, top))).filter((file) => readFileSync(file, 'utf8').includes("from 'fast-check'"));

function testFilesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? testFilesUnder(path) : entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

process.stderr.write(`[fuzz] ${runs} cases per property, seed ${seed} (replay: node tools/fuzz/run.mjs ${runs} ${seed})\n`);
const child = spawn('pnpm', ['vitest', 'run', '--testTimeout=0', ...PROPERTY_TESTS.map((file) => relative(root, file))], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TRIBUTARY_FUZZ_RUNS: runs, TRIBUTARY_FUZZ_SEED: seed },
});
child.on('exit', (code) => {
  if (code !== 0) process.stderr.write(`[fuzz] a property failed with seed ${seed}: replay with node tools/fuzz/run.mjs ${runs} ${seed}\n`);
  process.exitCode = code ?? 1;
});
