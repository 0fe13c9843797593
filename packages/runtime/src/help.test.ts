import { defineInput, PluginRegistry } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { generalHelp, pluginHelp } from './help.js';

const listener = defineInput({
  name: 'listener',
  description: 'Listens',
  configMap: { buffer_size: { type: 'size', default: '32K', description: 'Read buffer' } },
  network: { role: 'server', defaultPort: 24224, tls: true },
  init: () => ({}),
});

describe('help', () => {
  it('lists the monitoring flags and every registered plugin', () => {
    const text = generalHelp(new PluginRegistry({ inputs: [listener], outputs: [] }));
    expect(text).toMatch(/^ {2}-H, --http +enable monitoring HTTP server$/m);
    expect(text).toMatch(/^ {2}-P, --port +set HTTP server TCP port \(default: 2020\)$/m);
    expect(text).toMatch(/^ {2}-L, --listen +set HTTP server listen address/m);
    expect(text).toMatch(/Inputs\n {2}listener +Listens\n/);
  });

  it("shows a networked plugin's own properties and the network keys the core reads for it", () => {
    const text = pluginHelp(listener);
    expect(text).toMatch(/buffer_size +Read buffer\n +> type: size, default: 32K/);
    expect(text).toMatch(/listen +Address to listen on\n +> type: string, default: 0\.0\.0\.0/);
    expect(text).toMatch(/port +TCP port to listen on\n +> type: int, default: 24224/);
    expect(text).toContain('tls.verify ');
    expect(text).toContain('net.backlog ');
  });
});
