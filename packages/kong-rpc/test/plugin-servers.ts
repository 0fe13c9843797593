import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPluginServer, type PluginServer } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const KONG_PDK_PLUGINS = join(here, 'fixtures', 'kong-pdk-plugins');
export const TYPED_PLUGINS = join(here, 'fixtures', 'typed-plugins');
const KONG_JS_PLUGINSERVER = join(here, '..', 'node_modules', '.bin', 'kong-js-pluginserver');

/** A plugin server under test, listening on `socketPath`. */
export interface ServerUnderTest extends AsyncDisposable {
  readonly name: 'tributary' | 'kong-js-pluginserver';
  readonly socketPath: string;
  /** Ours only: the in-process server, for state checks. */
  readonly server?: PluginServer;
  /** The peer's stderr so far (subprocess only). */
  readonly stderr?: () => string;
}

function socketIn(prefix: string): string {
  return join(mkdtempSync(join(tmpdir(), prefix)), 'plugins.sock');
}

/** Tributary's server, in process. */
export async function startTributary(directory: string): Promise<ServerUnderTest> {
  const running = await startPluginServer({ socketPath: socketIn('tributary-kong-'), plugins: { directory } });
  return { name: 'tributary', socketPath: running.socketPath, server: running.server, [Symbol.asyncDispose]: running.close };
}

/** kong-pdk's `kong-js-pluginserver` from npm, the reference peer, as a subprocess. */
export async function startKongJsPluginServer(directory: string): Promise<ServerUnderTest> {
  const socketPath = socketIn('kong-js-');
  const child = spawn(KONG_JS_PLUGINSERVER, ['-d', directory, '-p', dirname(socketPath), '--sock-name', 'plugins.sock'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const until = Date.now() + 20_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`kong-js-pluginserver did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name: 'kong-js-pluginserver',
    socketPath,
    stderr: () => stderr,
    async [Symbol.asyncDispose]() {
      child.kill('SIGKILL');
    },
  };
}
