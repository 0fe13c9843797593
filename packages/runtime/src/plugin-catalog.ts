import { basename } from 'node:path';
import type { PluginFile } from '@tributary/config';
import { PluginRegistry, type FilterPlugin, type InputPlugin, type OutputPlugin } from '@tributary/core';
import { builtinFilters } from '@tributary/filters';
import { builtinInputs } from '@tributary/inputs';
import type { GoPluginHost } from '@tributary/output-abi';
import { builtinOutputs } from '@tributary/outputs';
import { RuntimeError } from './runtime-error.js';

/** Plugins an application adds to the built-in ones (kong-sidecar's `kong` input). */
export interface ExtraPlugins {
  readonly inputs?: readonly InputPlugin[];
  readonly filters?: readonly FilterPlugin[];
  readonly outputs?: readonly OutputPlugin[];
}

/** The registry of built-in plugins, plus the application's own. */
export function createRegistry(extra: ExtraPlugins = {}): PluginRegistry {
  return new PluginRegistry({
    inputs: [...builtinInputs, ...(extra.inputs ?? [])],
    filters: [...builtinFilters, ...(extra.filters ?? [])],
    outputs: [...builtinOutputs, ...(extra.outputs ?? [])],
  });
}

/**
 * Loads `-e` / `Plugins_File` libraries into `registry`: Go plugins. Fluent Bit's native
 * `flb-*.so` plugins are refused with a clear error.
 */
export function loadSharedPlugins(files: readonly PluginFile[], registry: PluginRegistry, host: GoPluginHost): void {
  const native = files.find((file) => basename(file.path).startsWith('flb-'));
  if (native) {
    throw new RuntimeError(
      'NATIVE_PLUGIN_UNSUPPORTED',
      `cannot load '${native.path}': files named flb-*.so are native Fluent Bit C plugins, which Tributary does not run. Only Go plugins (fluent-bit-go) are supported.`,
    );
  }
  host.load(files, registry);
}
