import { basename } from 'node:path';
import type { PipelineConfig, PluginFile } from '@tributary/config';
import { Engine, engineOptionsFromPipeline, PluginRegistry, TributaryError, type InputPlugin, type Logger } from '@tributary/core';
import { builtinInputs } from '@tributary/inputs';
import { GoPluginHost } from '@tributary/output-abi';
import { builtinOutputs } from '@tributary/outputs';
import { startMonitoringServer, type MonitoringServer } from './monitoring-server.js';
import { VERSION } from './version.js';

/** A pipeline built from a config: its engine, and the Go plugins it loaded. */
export interface PipelineRuntime {
  readonly engine: Engine;
  readonly registry: PluginRegistry;
  /** Starts the engine, then the monitoring API when the config has `HTTP_Server On`. */
  start(): Promise<void>;
  /** Closes the monitoring API, drains within Grace, exits every instance, unregisters Go plugins. */
  stop(): Promise<void>;
}

/** The registry of built-in plugins (plus any the caller adds, e.g. kong-sidecar's `kong` input). */
export function createRegistry(extraInputs: readonly InputPlugin[] = []): PluginRegistry {
  return new PluginRegistry({ inputs: [...builtinInputs, ...extraInputs], outputs: builtinOutputs });
}

/**
 * Loads `-e` / `Plugins_File` libraries: Go plugins. Fluent Bit's native `flb-*.so` plugins
 * are refused with a clear error.
 */
export function loadSharedPlugins(files: readonly PluginFile[], registry: PluginRegistry, host: GoPluginHost): void {
  const native = files.find((file) => basename(file.path).startsWith('flb-'));
  if (native) {
    throw new TributaryError(
      'NATIVE_PLUGIN_UNSUPPORTED',
      `cannot load '${native.path}': files named flb-*.so are native Fluent Bit C plugins, which Tributary does not run. Only Go plugins (fluent-bit-go) are supported.`,
    );
  }
  host.load(files, registry);
}

/**
 * Builds (and so validates) the engine of a parsed pipeline: Go plugins of `Plugins_File`
 * are loaded into `registry`, every section's plugin and properties are checked. Nothing runs
 * until `start`.
 */
export function createPipeline(
  config: PipelineConfig,
  options: { registry: PluginRegistry; logger: Logger; goPlugins?: GoPluginHost },
): PipelineRuntime {
  const goPlugins = options.goPlugins ?? new GoPluginHost(options.logger);
  loadSharedPlugins(config.plugins, options.registry, goPlugins);
  const engine = new Engine(engineOptionsFromPipeline(config, options.registry, options.logger));
  warnIfThreadPoolTooSmall(config, goPlugins, options.logger);
  let monitoring: MonitoringServer | undefined;
  const stop = async () => {
    await monitoring?.close();
    await engine.stop();
    await goPlugins.unregisterAll();
  };
  return {
    engine,
    registry: options.registry,
    async start() {
      await engine.start();
      const { httpServer, httpListen: listen, httpPort: port } = config.service;
      if (!httpServer) return;
      monitoring = await startMonitoringServer(engine, { listen, port, version: VERSION, log: options.logger }).catch(async (error: Error) => {
        await stop();
        throw new TributaryError('HTTP_SERVER', `cannot start the HTTP server on ${listen}:${port}: ${error.message}. Change HTTP_Port or HTTP_Listen.`);
      });
    },
    stop,
  };
}

/**
 * Go flushes run on libuv's thread pool, whose size is fixed when the process starts: if the
 * Go outputs' Workers add up to more threads, some flushes wait. Say so, with the fix.
 */
function warnIfThreadPoolTooSmall(config: PipelineConfig, goPlugins: GoPluginHost, logger: Logger): void {
  const goNames = new Set(goPlugins.loaded.map((library) => library.name.toLowerCase()));
  const threads = config.outputs
    .filter((output) => goNames.has(output.name.toLowerCase()))
    .reduce((sum, output) => sum + Math.max(1, output.workers), 0);
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  if (threads > pool) {
    logger.warn(
      `[agent] Go outputs may flush on ${threads} threads at once but the thread pool has ${pool}: ` +
        `start the agent with UV_THREADPOOL_SIZE=${threads} (or more) in its environment.`,
    );
  }
}
