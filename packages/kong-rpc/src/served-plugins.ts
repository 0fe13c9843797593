import type { Logger } from '@tributary/base';
import { PluginLoadError } from './kong-rpc-error.js';
import { logShipperPlugin } from './log-shipper-plugin.js';
import { pluginFromModule, scanPluginDirectory, type LoadedPlugin, type PluginLoadFailure } from './plugin-loader.js';

/** Which plugins of a directory a server serves. */
export interface ServedPluginsOptions {
  /** `--plugin NAME`: that one only (other files' failures then do not matter). */
  readonly only?: string | undefined;
  /** Go plugin executables too (a worker thread leaves them to the main thread). Default true. */
  readonly goPlugins?: boolean;
}

/**
 * The plugins of a directory plus the built-in `tributary-log` shipper, and the files that
 * failed to load; with `only`, just that one.
 */
export async function servedPlugins(directory: string, log: Logger, options: ServedPluginsOptions = {}): Promise<{ plugins: LoadedPlugin[]; failures: PluginLoadFailure[] }> {
  const { plugins, failures } = await scanPluginDirectory(directory, log, { goPlugins: options.goPlugins ?? true });
  if (!plugins.some((p) => p.name === logShipperPlugin.name)) plugins.push(pluginFromModule({ default: logShipperPlugin }, logShipperPlugin.name));
  if (options.only === undefined) return { plugins, failures };
  const plugin = plugins.find((p) => p.name === options.only);
  if (!plugin) {
    if (options.goPlugins === false) return { plugins: [], failures: [] }; // a Go plugin: the main thread serves it
    const failed = failures.length > 0 ? ` Files that failed to load: ${failures.map((f) => `${f.path} (${f.message})`).join('; ')}.` : '';
    throw new PluginLoadError(`no plugin named '${options.only}' in ${directory}; the plugins are: ${plugins.map((p) => p.name).join(', ')}.${failed}`);
  }
  return { plugins: [plugin], failures: [] };
}
