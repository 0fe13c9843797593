import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCli, type CliProcess } from '@tributary/runtime/testing';

const here = dirname(fileURLToPath(import.meta.url));
export const CLI = join(here, '..', 'src', 'cli.ts');
export const PLUGINS = join(here, 'fixtures', 'plugins');
/** The command that runs the sidecar from sources (what `kong-sidecar` is once built). */
export const COMMAND = `${process.execPath} --conditions=@tributary/source --import tsx ${CLI}`;

export type SidecarProcess = CliProcess;

/** Starts `kong-sidecar ...args` from sources and resolves once it listens on `socketPath`. */
export async function startSidecar(args: string[], socketPath: string): Promise<SidecarProcess> {
  const sidecar = startCli(CLI, args, { stopSignal: 'SIGTERM' });
  try {
    await sidecar.waitForStderr('kong-sidecar ready', 30_000);
    if (!existsSync(socketPath)) throw new Error(`kong-sidecar is ready but ${socketPath} does not exist:\n${sidecar.stderr}`);
    return sidecar;
  } catch (error) {
    await sidecar.stop('SIGKILL');
    throw error;
  }
}
