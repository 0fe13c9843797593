#!/usr/bin/env node
// Makes a fresh clone runnable with nothing but Node and npm: installs pnpm (the version in
// package.json's packageManager) when missing, installs the workspace when node_modules is
// missing or older than the lockfile, then runs the requested task:
//   node tools/bootstrap.mjs agent [agent flags...]   (no flags: -i dummy -o stdout)
//   node tools/bootstrap.mjs kong-sidecar [flags...]
//   node tools/bootstrap.mjs test     (type-check, lint, then every test)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

function log(message) {
  process.stderr.write(`[bootstrap] ${message}\n`);
}

function isPnpm10(command) {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.trim().startsWith('10.');
}

/** pnpm 10 from PATH, else from npm's global prefix, else installed there with npm. */
function findPnpm() {
  if (isPnpm10('pnpm')) return 'pnpm';
  const prefix = execFileSync('npm', ['prefix', '--global'], { encoding: 'utf8' }).trim();
  const global = join(prefix, 'bin', 'pnpm');
  if (existsSync(global) && isPnpm10(global)) return global;
  log(`installing pnpm@${pnpmVersion} with npm`);
  execFileSync('npm', ['install', '--global', `pnpm@${pnpmVersion}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  return global;
}

function ensureInstalled(pnpm) {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing dependencies (pnpm install --frozen-lockfile)');
  execFileSync(pnpm, ['install', '--frozen-lockfile'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

function run(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  // Ctrl-C reaches the child through the process group; wait for its own clean exit.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

const [task = 'test', ...rest] = process.argv.slice(2);
const pnpm = findPnpm();
// turbo runs package scripts with `pnpm` by name: make sure the one found is on PATH.
if (pnpm !== 'pnpm') process.env.PATH = `${dirname(pnpm)}${delimiter}${process.env.PATH}`;
ensureInstalled(pnpm);

if (task === 'agent' || task === 'kong-sidecar') {
  const args = task === 'agent' && rest.length === 0 ? ['-i', 'dummy', '-o', 'stdout'] : rest;
  const cli = join(root, 'apps', task, 'src', 'cli.ts');
  process.exitCode = await run(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', cli, ...args]);
} else if (task === 'test') {
  let code = await run(pnpm, ['turbo', 'run', 'typecheck', 'lint', '--output-logs=errors-only']);
  if (code === 0) code = await run(pnpm, ['vitest', 'run']);
  process.exitCode = code;
} else {
  log(`unknown task '${task}': use 'agent', 'kong-sidecar' or 'test'`);
  process.exitCode = 2;
}
