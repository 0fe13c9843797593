import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCliToEnd, startCli, type CliProcess, type CliProcessOptions } from '@tributary/runtime/testing';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');

export type AgentProcess = CliProcess;

/** Starts `agent ...args` from sources; `stop()` sends SIGINT (Ctrl-C) unless told otherwise. */
export const startAgent = (args: string[], options?: CliProcessOptions): AgentProcess => startCli(CLI, args, options);

/** Runs the agent to completion (help, dry run, errors). */
export const runAgentToEnd = (args: string[], options?: CliProcessOptions) => runCliToEnd(CLI, args, options);

/** A loopback TCP port free at the time of asking (for the agent's monitoring API or an input). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
