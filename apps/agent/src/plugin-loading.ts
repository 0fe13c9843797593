import type { PluginFile } from '@tributary/config';
import type { PluginRegistry } from '@tributary/core';

/** Loads shared-library plugins (`-e`, `Plugins_File`) into a registry. */
export type SharedPluginLoader = (files: readonly PluginFile[], registry: PluginRegistry) => Promise<void>;
