// Behaviour specific to Tributary's plugin server: typed plugins, emit, the loader's
// errors, the sweeps, and error texts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@tributary/base';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { definePlugin, loadPluginDirectory, PluginServer, pluginFromModule, startPluginServer, type EmittedRecord } from '../src/index.js';
import { FakeKong } from '../src/testing/index.js';
import { TYPED_PLUGINS } from './plugin-servers.js';

function recordingLog() {
  const lines: string[] = [];
  const log: Logger = {
    error: (m) => lines.push(`error ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    info: (m) => lines.push(`info ${m}`),
    debug: () => {},
    trace: () => {},
    child: () => log,
    enabled: () => true,
  };
  return { log, lines };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(options: Parameters<typeof startPluginServer>[0]) {
  const running = await startPluginServer(options);
  const kong = new FakeKong({ socketPath: running.socketPath, readTimeoutMs: 5000 });
  cleanups.push(async () => {
    await kong.close();
    await running.close();
  });
  return { running, kong };
}

const socket = () => join(mkdtempSync(join(tmpdir(), 'tributary-kong-')), 'plugins.sock');

describe('plugin loading', () => {
  it('loads TS definePlugin plugins and directories, and skips stray files with a reason', async () => {
    const { log, lines } = recordingLog();
    const plugins = await loadPluginDirectory(TYPED_PLUGINS, log);
    expect(plugins.map((p) => [p.name, p.version, p.priority, p.phases])).toEqual([
      ['dir-plugin', '1.0.0', 5, ['rewrite']],
      ['greeter', '2.1.0', 900, ['access']],
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^error plugin '.*bad-version\.mjs' failed to load and is not served: plugin 'bad-version' .* has Version "latest"; Kong 3\.x refuses plugins whose version is not "x\.y\.z"/));
    expect(lines).toContainEqual(expect.stringMatching(/^error plugin '.*not-a-plugin\.js' failed to load and is not served: .* does not export a Kong plugin/));
    expect(lines).toContainEqual(expect.stringMatching(/^warn skipping '.*notes\.txt': not a plugin/));
  });

  it('refuses a priority that is not an integer', () => {
    expect(() => pluginFromModule({ Plugin: class {}, Version: '1.0.0', Priority: 1.5 }, 'p')).toThrow(
      "plugin 'p' (p) has Priority 1.5; Kong 3.x refuses plugins whose priority is not an integer.",
    );
  });

  it('names a missing plugins directory', async () => {
    await expect(loadPluginDirectory('/nonexistent/plugins', recordingLog().log)).rejects.toThrow(
      "plugins directory '/nonexistent/plugins' does not exist or is not a directory. Pass the directory that holds your plugins with -d.",
    );
  });

  it('types a definePlugin config from its schema', () => {
    definePlugin({
      name: 'typed',
      version: '1.0.0',
      priority: 1,
      schema: [
        { greeting: { type: 'string', required: true } },
        { times: { type: 'integer', default: 1 } },
        { mode: { type: 'string', one_of: ['a', 'b'] } },
        { tags: { type: 'array', elements: { type: 'string' } } },
      ],
      phases: {
        access(_kong, { config }) {
          expectTypeOf(config).toEqualTypeOf<{
            readonly greeting: string;
            readonly times: number;
            readonly mode?: 'a' | 'b' | null;
            readonly tags?: string[] | null;
          }>();
        },
      },
    });
  });
});

describe('Tributary plugin server', () => {
  it('runs a typed plugin and passes what it emits to the pipeline hook', async () => {
    const emitted: Array<[string, EmittedRecord]> = [];
    const { kong } = await serve({ socketPath: socket(), plugins: { directory: TYPED_PLUGINS }, emit: (tag, record) => emitted.push([tag, record]), log: recordingLog().log });
    const run = await kong.runRequest({ plugin: 'greeter', config: { greeting: 'hi', times: 2 }, answers: { 'kong.request.get_header': 'example.org' } });
    expect(run.phases[0]!.calls.at(-1)).toEqual({ method: 'kong.response.set_header', args: ['x-greeting', 'hihi example.org'] });
    expect(emitted).toEqual([['greeter.access', { host: 'example.org', greeting: 'hi' }]]);
  });

  it('answers unknown methods, namespaces, phases and bad config with clear errors', async () => {
    const plugin = pluginFromModule(
      { default: definePlugin({ name: 'p', version: '1.0.0', priority: 1, schema: [], phases: { access() {} } }) },
      'p',
    );
    const { kong } = await serve({ socketPath: socket(), plugins: [plugin] });
    await expect(kong.call('plugin.Nope', {})).rejects.toThrow('method Nope not implemented');
    await expect(kong.call('other.Thing', {})).rejects.toThrow('RPC for other is not supported');
    await expect(kong.call('plugin.StartInstance', { Name: 'p', Config: '{oops' })).rejects.toThrow(/invalid Config for plugin 'p': not JSON/);
    await expect(kong.call('plugin.StartInstance', { Name: 'q', Config: '{}' })).rejects.toThrow("plugin 'q' is not loaded; loaded plugins: p");
    const id = await kong.startInstance('p', {});
    await expect(kong.call('plugin.HandleEvent', { InstanceId: id, EventName: 'log' })).rejects.toThrow('undefined method log on plugin p');
    await expect(kong.call('plugin.Step', { EventId: 424242 })).rejects.toThrow('no running event 424242');
  });

  it('abandons events Kong stopped stepping and drops idle instances', async () => {
    let sweep = () => {};
    let pending!: Promise<unknown>;
    const plugin = pluginFromModule(
      {
        default: definePlugin({
          name: 'waiter',
          version: '1.0.0',
          priority: 1,
          schema: [],
          phases: {
            async access(kong) {
              pending = kong.request.getPath().catch((error: Error) => error.message);
              await pending;
            },
          },
        }),
      },
      'waiter',
    );
    const server = new PluginServer([plugin], { timers: { every: (_ms, run) => ((sweep = run), { cancel() {} }) }, eventIdleMs: 0, instanceIdleMs: 0 });
    const started = (await server.handle('plugin.StartInstance', [{ Name: 'waiter', Config: '{}' }])) as { Id: number };
    const first = (await server.handle('plugin.HandleEvent', [{ InstanceId: started.Id, EventName: 'access' }])) as { Data: { Method: string } };
    expect(first.Data.Method).toBe('kong.request.get_path');
    expect(server.runningEvents).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    sweep();
    expect(server.runningEvents).toBe(0);
    expect(await pending).toMatch(/^PDK method kong\.request\.get_path failed: Kong did not step event \d+/);
    sweep();
    expect(server.runningInstances).toBe(0);
    await expect(server.handle('plugin.InstanceStatus', [started.Id])).rejects.toThrow(`No plugin instance ${started.Id}`);
    server.close();
  });

  it('loads another directory with SetPluginDir, and names a missing one', async () => {
    const { kong } = await serve({ socketPath: socket(), plugins: [], log: recordingLog().log });
    await expect(kong.call('plugin.SetPluginDir', '/nonexistent')).rejects.toThrow("plugins directory '/nonexistent' does not exist");
    await expect(kong.call('plugin.SetPluginDir', TYPED_PLUGINS)).resolves.toBe('ok');
    expect((await kong.pluginInfo('greeter')).Version).toBe('2.1.0');
  });

  it('serves plugin status with GetStatus', async () => {
    const { kong } = await serve({ socketPath: socket(), plugins: { directory: TYPED_PLUGINS }, log: recordingLog().log });
    const id = await kong.startInstance('greeter', { greeting: 'x' });
    const status = (await kong.call('plugin.GetStatus', [])) as { Pid: number; Plugins: Record<string, { Instances: Array<{ Id: number }> }> };
    expect(status.Pid).toBe(process.pid);
    expect(status.Plugins.greeter!.Instances.map((i) => i.Id)).toEqual([id]);
  });
});
