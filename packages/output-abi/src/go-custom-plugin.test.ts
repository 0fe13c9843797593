import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@tributary/base';
import { Engine } from '@tributary/core';
import { collectingOutput, manualInput } from '@tributary/core/testing';
import { buildGoCustom, hasGo } from '@tributary/native-fixtures';
import { describe, expect, it } from 'vitest';
import { goCustomPlugin } from './go-custom-plugin.js';
import { GoPluginLibrary } from './go-plugin-library.js';

describe.runIf(hasGo())('Go custom plugins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-go-custom-'));

  function engineWith(properties: Array<{ key: string; value: string }>) {
    const library = GoPluginLibrary.load(buildGoCustom());
    expect(library.kind).toBe('custom');
    return new Engine({
      logger: silentLogger,
      customs: [{ plugin: goCustomPlugin(library), properties }],
      inputs: [{ plugin: manualInput().plugin }],
      outputs: [{ plugin: collectingOutput().plugin, match: '*' }],
    });
  }

  it('initialises with its properties (custom_get_property) and exits at shutdown', async () => {
    const marker = join(dir, 'marker.txt');
    const engine = engineWith([{ key: 'Marker_File', value: marker }, { key: 'greeting', value: 'hello' }]);
    await engine.start();
    expect(readFileSync(marker, 'utf8')).toBe('init hello\n');
    await engine.stop();
    expect(readFileSync(marker, 'utf8')).toBe('init hello\nexit\n');
  });

  it('fails the start, naming the instance, when FLBPluginInit refuses', async () => {
    const engine = engineWith([]);
    await expect(engine.start()).rejects.toThrow("failed to initialize custom 'gcustom.0': Go plugin 'gcustom' failed to initialize gcustom.0 (FLBPluginInit returned 0).");
  });
});
