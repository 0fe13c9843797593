import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');

/** A running `agent` subprocess (from sources, via tsx) with its output collected. */
export interface AgentProcess {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves once stdout has `lines` complete lines. */
  waitForLines(lines: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startAgent(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): AgentProcess {
  const child = spawn(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', cli, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const agent: AgentProcess = {
    child,
    stdout: '',
    stderr: '',
    exited,
    waitForLines(lines, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const complete = agent.stdout.split('\n').slice(0, -1);
          if (complete.length >= lines) {
            clearTimeout(timer);
            child.stdout!.off('data', check);
            resolve(complete);
          }
        };
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${lines} lines; stdout:\n${agent.stdout}\nstderr:\n${agent.stderr}`)), timeoutMs);
        child.stdout!.on('data', check);
        void exited.then(() => setTimeout(() => { check(); reject(new Error(`agent exited; stdout:\n${agent.stdout}\nstderr:\n${agent.stderr}`)); }, 50));
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (agent.stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (agent.stderr += text));
  return agent;
}

/** Runs the agent to completion (help, dry run, errors). */
export async function runAgentToEnd(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const agent = startAgent(args, options);
  const code = await agent.exited;
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { code, stdout: agent.stdout, stderr: agent.stderr };
}
