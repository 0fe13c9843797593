import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const CLI = join(here, '..', 'src', 'cli.ts');
export const PLUGINS = join(here, 'fixtures', 'plugins');
/** The command that runs the sidecar from sources (what `kong-sidecar` is once built). */
export const COMMAND = `${process.execPath} --conditions=@tributary/source --import tsx ${CLI}`;

export interface SidecarProcess extends AsyncDisposable {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `kong-sidecar` with `args` and resolves once its socket exists. */
export async function startSidecar(args: string[], socketPath: string): Promise<SidecarProcess> {
  const child = spawn(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const sidecar: SidecarProcess = {
    child,
    stdout: '',
    stderr: '',
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async [Symbol.asyncDispose]() {
      await sidecar.stop('SIGKILL');
    },
  };
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (sidecar.stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (sidecar.stderr += text));
  const until = Date.now() + 30_000;
  while (!existsSync(socketPath) || !sidecar.stderr.includes('ready')) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`kong-sidecar did not start:\n${sidecar.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return sidecar;
}
