import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCliToEnd, startCli, type CliProcess, type CliProcessOptions } from '@tributary/runtime/testing';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');

export type AgentProcess = CliProcess;

/** Starts `agent ...args` from sources; `stop()` sends SIGINT (Ctrl-C) unless told otherwise. */
export const startAgent = (args: string[], options?: CliProcessOptions): AgentProcess => startCli(CLI, args, options);

/** Runs the agent to completion (help, dry run, errors). */
export const runAgentToEnd = (args: string[], options?: CliProcessOptions) => runCliToEnd(CLI, args, options);
