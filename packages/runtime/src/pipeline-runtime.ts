import { atLocation, type Logger } from '@tributary/base';
import type { PipelineConfig } from '@tributary/config';
import { Engine, engineOptionsFromPipeline, type InputPlugin, type ParserLookup, type PluginRegistry } from '@tributary/core';
import { GoPluginHost } from '@tributary/output-abi';
import { warnIfThreadPoolTooSmall } from './go-thread-pool.js';
import { startMonitoringServer, type MonitoringServer } from './monitoring-server.js';
import { loadParserCatalog } from './parser-catalog.js';
import { createRegistry, loadSharedPlugins } from './plugin-catalog.js';
import { RuntimeError } from './runtime-error.js';
import type { HotReloadControl } from './monitoring-server.js';

/** A pipeline built from a config: its engine, and the Go plugins it loaded. */
export interface PipelineRuntime extends AsyncDisposable {
  readonly engine: Engine;
  readonly registry: PluginRegistry;
  /** The port the monitoring API listens on once started (`HTTP_Port 0` picks a free one). */
  readonly httpPort: number | undefined;
  /**
   * Binds the monitoring API when the config has `HTTP_Server On` — first, so that a port in
   * use is reported before any input runs — then starts the engine.
   */
  start(): Promise<void>;
  /**
   * Closes the monitoring API, drains within Grace, exits every instance, and unregisters the Go
   * plugins. With `hotReload` the plugins' pre-exit hooks are told so and each Go library is
   * registered again for the next pipeline (`PreRegister(1)`, `Register`), as Fluent Bit does: a
   * Go plugin is never unloaded. `grace` replaces the configured Grace (-1: no limit).
   */
  stop(options?: { hotReload?: boolean; grace?: number }): Promise<void>;
}

/** An input an application always runs, such as kong-sidecar's `kong`. */
export interface ImplicitInput {
  readonly plugin: InputPlugin;
  /** The tag of its records unless the config says otherwise. */
  readonly tag: string;
}

export interface PipelineOptions {
  /** The plugins sections may name; the built-in ones by default. */
  readonly registry?: PluginRegistry;
  readonly logger: Logger;
  /** What the monitoring API's `/` reports as the version. */
  readonly version: string;
  /** The host of Go plugins loaded before (`-e` on the command line); a new one otherwise. */
  readonly goPlugins?: GoPluginHost;
  /**
   * Inputs the application always runs: registered, and started with their default tag first
   * in the pipeline unless the config has a section of that plugin, whose settings then apply.
   */
  readonly implicitInputs?: readonly ImplicitInput[];
  /** The parsers inputs may name: `loadParserCatalog(config.service.parsersFiles)`; the stock ones when absent. */
  readonly parsers?: ParserLookup;
  /** What `/api/v2/reload` reports and triggers; reload not enabled when absent. */
  readonly hotReload?: HotReloadControl;
}

/**
 * Builds (and so validates) the engine of a parsed pipeline: Go plugins of `Plugins_File`
 * are loaded into the registry, every section's plugin and properties are checked. Nothing
 * runs until `start`.
 */
export function createPipeline(config: PipelineConfig, options: PipelineOptions): PipelineRuntime {
  const { logger } = options;
  for (const setting of config.service.other) {
    logger.warn(atLocation(setting.source, `[SERVICE] '${setting.key}' is not supported by Tributary and has no effect.`));
  }
  const registry = options.registry ?? createRegistry();
  const goPlugins = options.goPlugins ?? new GoPluginHost(logger);
  const implicitInputs = options.implicitInputs ?? [];
  for (const { plugin } of implicitInputs) if (!registry.input(plugin.name)) registry.addInput(plugin);
  loadSharedPlugins(config.plugins, registry, goPlugins);
  const engineOptions = engineOptionsFromPipeline(config, registry, logger);
  const configured = new Set(config.inputs.map((input) => input.name.toLowerCase()));
  const added = implicitInputs.filter(({ plugin }) => !configured.has(plugin.name.toLowerCase()));
  const parsers = options.parsers ?? loadParserCatalog([]);
  const engine = new Engine({ ...engineOptions, inputs: [...added, ...engineOptions.inputs], parsers });
  warnIfThreadPoolTooSmall(config, goPlugins, logger);
  let monitoring: MonitoringServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (stopOptions: { hotReload?: boolean; grace?: number } = {}) =>
    (stopping ??= (async () => {
      await monitoring?.close();
      await engine.stop(stopOptions);
      if (stopOptions.hotReload) await goPlugins.reregisterAll();
      else await goPlugins.unregisterAll();
    })());

  async function start(): Promise<void> {
    const { httpServer, httpListen: listen, httpPort: port } = config.service;
    if (httpServer) {
      monitoring = await startMonitoringServer(engine, { listen, port, version: options.version, log: logger, hotReload: options.hotReload, storageMetrics: config.service.storageMetrics }).catch(async (error: Error) => {
        await stop();
        throw new RuntimeError('HTTP_SERVER', `cannot start the HTTP server on ${listen}:${port}: ${error.message}. Change HTTP_Port (-P) or HTTP_Listen (-L).`);
      });
    }
    try {
      await engine.start();
    } catch (error) {
      await stop();
      throw error;
    }
  }

  return {
    engine,
    registry,
    get httpPort() {
      return monitoring?.port;
    },
    start,
    stop,
    [Symbol.asyncDispose]: () => stop(),
  };
}
