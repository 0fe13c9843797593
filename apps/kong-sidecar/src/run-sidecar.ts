import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';
import { createLogger, TributaryError } from '@tributary/base';
import { loadPipelineConfig, parseCommandLine } from '@tributary/config';
import { pluginInfo, PROTOCOL_NAMES, servedPlugins, startPluginServer } from '@tributary/kong-rpc';
import { createPipeline, loadParserCatalog, packageVersion, RuntimeError, type PipelineRuntime } from '@tributary/runtime';
import { createKongInput, type KongInput } from './kong-input.js';
import { parseSidecarOptions, USAGE, UsageError } from './sidecar-options.js';

const VERSION = packageVersion(import.meta.url);

/** What the sidecar talks to; the CLI passes the process's. */
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
    const logLevel = (['warn', 'info', 'debug'] as const)[Math.min(options.verbosity, 2)]!;
    const { plugins, failures } = await servedPlugins(options.pluginsDirectory, log, { only: options.plugin });
    const dumping = options.dumpAllPlugins || options.dump || options.dumpPluginInfo !== undefined;
    if (dumping && failures.length > 0) {
      // Kong would start with a plugin missing that it was told nothing about: fail its query now.
      for (const failure of failures) io.stderr(`[error] ${failure.path}: ${failure.message}\n`);
      io.stderr(`[error] ${failures.length} plugin(s) failed to load; fix them or move them out of ${options.pluginsDirectory}.\n`);
      return 1;
    }

    const socketPath = join(options.kongPrefix, options.sockName ?? (options.plugin ? `${options.plugin}.socket` : 'js_pluginserver.sock'));
    if (options.dumpAllPlugins || options.dump) {
      const infos = plugins.map(pluginInfo);
      // Kong reads the protocol from the dump: a bare list is MsgPack:1 (kong-js-pluginserver's form), ProtoBuf:1 is named as go-pdk names it.
      const dump = options.protocol === 'protobuf' ? { Protocol: PROTOCOL_NAMES.protobuf, SocketPath: socketPath, Plugins: infos } : infos;
      io.stdout(`${JSON.stringify(dump)}\n`);
      return 0;
    }
    if (options.dumpPluginInfo !== undefined) {
      const plugin = plugins.find((p) => p.name === options.dumpPluginInfo);
      if (!plugin) throw new UsageError(`no plugin named '${options.dumpPluginInfo}'; the plugins are: ${plugins.map((p) => p.name).join(', ')}.`);
      io.stdout(encode(pluginInfo(plugin)));
      return 0;
    }

    const kongInput = createKongInput();
    const pipeline = options.pipeline ? startablePipeline(options.pipeline, kongInput, io) : undefined;
    await pipeline?.start();
    const server = await startPluginServer({
      socketPath,
      plugins,
      protocol: options.protocol,
      ...(options.workers > 1 ? { workers: { count: options.workers, directory: options.pluginsDirectory, only: options.plugin, logLevel } } : {}),
      log,
      emit: pipeline ? kongInput.emit : undefined,
      timers: pipeline?.engine.scheduler,
    }).catch(async (error: NodeJS.ErrnoException) => {
      await pipeline?.stop();
      throw new RuntimeError('LISTEN_FAILED', `cannot listen on ${socketPath}: ${error.message}. Check that the Kong prefix (-p) exists and is writable.`);
    });
    io.stderr(`kong-sidecar ready: listening on ${socketPath} (${PROTOCOL_NAMES[options.protocol]})\n`);
    const reason = await Promise.race([io.shutdown, ...(pipeline ? [pipeline.engine.stopRequested] : [])]);
    log.info(`shutting down (${reason})`);
    await server.close();
    await pipeline?.stop();
    return 0;
  } catch (error) {
    if (!TributaryError.isInstance(error)) throw error;
    io.stderr(`[error] ${error.message}\n`);
    return 1;
  }
}

/** The `--pipeline` config's engine, fed by the `kong` input (tagged `kong` unless the config has an `[INPUT] Name kong`). */
function startablePipeline(file: string, kongInput: KongInput, io: SidecarIo): PipelineRuntime {
  const config = loadPipelineConfig(parseCommandLine(['-c', file]), { env: io.env });
  const logger = createLogger({ level: config.service.logLevel, sink: { write: io.stderr } });
  for (const warning of config.warnings) logger.warn(warning);
  const parsers = loadParserCatalog(config.service.parsersFiles, config.service.multilineBufferLimit);
  for (const warning of parsers.warnings) logger.warn(warning);
  return createPipeline(config, { logger, version: VERSION, parsers, implicitInputs: [{ plugin: kongInput.plugin, tag: 'kong' }] });
}
