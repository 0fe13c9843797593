import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';
import { createPipeline, createRegistry, type PipelineRuntime } from '@tributary/agent';
import { ConfigError, loadPipelineConfig, parseCommandLine, type InputSection } from '@tributary/config';
import { createLogger, TributaryError, type EncodedOrObject } from '@tributary/core';
import {
  loadPluginDirectory,
  pluginFromModule,
  pluginInfo,
  PluginLoadError,
  startPluginServer,
  type EmittedRecord,
  type LoadedPlugin,
  type ServerLog,
} from '@tributary/kong-rpc';
import { createKongInput } from './kong-input.js';
import { logShipperPlugin } from './log-shipper.js';
import { parseSidecarOptions, USAGE, UsageError, type SidecarOptions } from './sidecar-options.js';

export const VERSION = '0.1.0';

/** What the sidecar talks to; the CLI passes the process's, tests their own. */
export interface SidecarIo {
  /** Standard output: dumps only, never logs. */
  stdout: (data: string | Uint8Array) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves with the reason when the sidecar should stop (SIGTERM, parent gone). */
  shutdown: Promise<string>;
}

/**
 * Runs the Kong plugin server (and, with `--pipeline`, the pipeline its plugins feed) and
 * resolves with the exit code: 0 after a dump or a clean shutdown, 1 on bad input, with a
 * message on stderr that says how to fix it.
 */
export async function runSidecar(argv: readonly string[], io: SidecarIo): Promise<number> {
  try {
    const options = parseSidecarOptions(argv);
    if (options.help || options.version) {
      io.stdout(options.help ? USAGE : `kong-sidecar ${VERSION}\n`);
      return 0;
    }
    if (!options.pluginsDirectory) throw new UsageError('the plugins directory is required: pass -d <directory>.');

    // One log format on stderr for the plugin server and the pipeline: Fluent Bit's.
    const log = createLogger({ level: (['warn', 'info', 'debug'] as const)[Math.min(options.verbosity, 2)], sink: { write: io.stderr } }).child('kong');
    const plugins = await servedPlugins(options, log);

    if (options.dumpAllPlugins || options.dump) {
      io.stdout(`${JSON.stringify(plugins.map(pluginInfo))}\n`);
      return 0;
    }
    if (options.dumpPluginInfo !== undefined) {
      const plugin = plugins.find((p) => p.name === options.dumpPluginInfo);
      if (!plugin) throw new UsageError(`no plugin named '${options.dumpPluginInfo}'; the plugins are: ${plugins.map((p) => p.name).join(', ')}.`);
      io.stdout(encode(pluginInfo(plugin)));
      return 0;
    }

    const kongInput = createKongInput();
    const pipeline = options.pipeline ? startablePipeline(options.pipeline, kongInput.plugin, io) : undefined;
    await pipeline?.start();
    const socketPath = join(options.kongPrefix, options.sockName ?? (options.plugin ? `${options.plugin}.socket` : 'js_pluginserver.sock'));
    const server = await startPluginServer({
      socketPath,
      plugins,
      log,
      emit: pipeline ? (tag: string, record: EmittedRecord) => void kongInput.emit(tag, record as EncodedOrObject) : undefined,
      timers: pipeline?.engine.scheduler,
    }).catch((error: NodeJS.ErrnoException) => {
      throw new TributaryError('LISTEN_FAILED', `cannot listen on ${socketPath}: ${error.message}. Check that the Kong prefix (-p) exists and is writable.`);
    });
    io.stderr(`kong-sidecar ready: listening on ${socketPath}\n`);
    const reason = await io.shutdown;
    log.info(`shutting down (${reason})`);
    await server.close();
    await pipeline?.stop();
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof PluginLoadError || error instanceof ConfigError || error instanceof TributaryError) {
      io.stderr(`[error] ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** The plugins of the directory plus the built-in log shipper; just one with `--plugin`. */
async function servedPlugins(options: SidecarOptions, log: ServerLog): Promise<LoadedPlugin[]> {
  const plugins = await loadPluginDirectory(options.pluginsDirectory!, log);
  if (!plugins.some((p) => p.name === logShipperPlugin.name)) plugins.push(pluginFromModule({ default: logShipperPlugin }, logShipperPlugin.name));
  if (options.plugin === undefined) return plugins;
  const plugin = plugins.find((p) => p.name === options.plugin);
  if (!plugin) {
    throw new UsageError(`no plugin named '${options.plugin}' in ${options.pluginsDirectory}; the plugins are: ${plugins.map((p) => p.name).join(', ')}.`);
  }
  return [plugin];
}

/** The `--pipeline` config's engine, with the `kong` input added when the config has none. */
function startablePipeline(file: string, kongInput: ReturnType<typeof createKongInput>['plugin'], io: SidecarIo): PipelineRuntime {
  const config = loadPipelineConfig(parseCommandLine(['-c', file]), { env: io.env });
  const logger = createLogger({ level: config.service.logLevel, sink: { write: io.stderr } });
  for (const warning of config.warnings) logger.warn(warning);
  if (!config.inputs.some((input) => input.name.toLowerCase() === 'kong')) {
    const implicit: InputSection = {
      name: 'kong',
      alias: undefined,
      logLevel: undefined,
      properties: [],
      coreProperties: [],
      source: { file, line: 0 },
      tag: 'kong',
      memBufLimit: 0,
    };
    config.inputs.unshift(implicit);
  }
  return createPipeline(config, { registry: createRegistry([kongInput]), logger });
}
