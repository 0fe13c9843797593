import { appendFileSync } from 'node:fs';
import { createLogger, TributaryError, type LogSink, type Logger } from '@tributary/base';
import { classicToYaml, isYamlFile, loadPipelineConfig, parseCommandLine, readClassicConfig, type HelpRequest, type PipelineConfig } from '@tributary/config';
import type { PluginRegistry } from '@tributary/core';
import { GoPluginHost } from '@tributary/output-abi';
import { createPipeline, createRegistry, generalHelp, loadParserCatalog, loadSharedPlugins, packageVersion, pluginHelp, type PipelineRuntime } from '@tributary/runtime';

const VERSION = packageVersion(import.meta.url);

/** What the agent talks to; the CLI passes the process's. */
export interface AgentIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves with the signal name when the agent should shut down. */
  shutdownSignal: Promise<string>;
  /** Resolves at the next SIGHUP (a reload when `Hot_Reload` is on). */
  nextReloadSignal?: () => Promise<void>;
}

/**
 * Runs the agent as Fluent Bit's command line does and resolves with the exit code: 0 after a
 * clean shutdown, help, version or a successful `--dry-run`; 1 on a bad command line or
 * config, with a message that says where and how to fix it.
 */
export async function runAgent(argv: readonly string[], io: AgentIo): Promise<number> {
  try {
    const commandLine = parseCommandLine(argv);
    if (commandLine.version) {
      io.stdout(`Tributary agent v${VERSION}\n`);
      return 0;
    }
    if (commandLine.workdir !== undefined) process.chdir(commandLine.workdir);
    if (commandLine.dumpYaml) return dumpYaml(commandLine.configFile, io);

    const registry = createRegistry();
    const goPlugins = new GoPluginHost();
    // -e libraries load during argument parsing in Fluent Bit, so `-h` lists them.
    loadSharedPlugins(commandLine.plugins, registry, goPlugins);
    if (commandLine.help) return printHelp(commandLine.help, registry, io);

    const reload = { enabled: false, inProgress: false, count: 0, request: () => wakeReload() };
    let wakeReload: () => void = () => {};
    /** Reads the config files and builds (so validates) every instance; nothing runs yet. */
    const build = (): RunningPipeline | undefined => {
      const config = loadPipelineConfig({ ...commandLine, plugins: [] }, { env: io.env });
      const sink: LogSink = config.service.logFile ? { write: (line) => appendFileSync(config.service.logFile!, line) } : { write: io.stderr };
      const logger = createLogger({ level: config.service.logLevel, sink });
      for (const warning of config.warnings) logger.warn(warning);
      if (config.service.daemon) logger.warn('[agent] Daemon is not supported: the agent stays in the foreground; run it under a service manager.');
      // Every Parsers_File is read and each parser built now: a bad one fails here, with its file and line.
      const parsers = loadParserCatalog(config.service.parsersFiles, config.service.multilineBufferLimit);
      for (const warning of parsers.warnings) logger.warn(warning);
      if (config.inputs.length === 0 && config.outputs.length === 0) return undefined;
      const pipeline = createPipeline(config, { registry, logger, goPlugins, version: VERSION, parsers, hotReload: reload });
      return { config, logger, pipeline };
    };
    const first = build();
    if (first === undefined) {
      io.stderr(`[error] no inputs and no outputs are configured. Give some with -i/-o (e.g. 'agent -i dummy -o stdout') or -c <file>.\n`);
      return 1;
    }
    let running: RunningPipeline = first;
    if (commandLine.dryRun) {
      io.stderr('configuration test is successful\n');
      return 0;
    }
    running.logger.info(`[agent] Tributary v${VERSION}`);
    reload.enabled = running.config.service.hotReload;
    await running.pipeline.start();
    void refuseSighupDuringReload(reload, io, () => running.logger);
    for (;;) {
      const nextReload = new Promise<'reload'>((resolve) => {
        wakeReload = () => resolve('reload');
        void io.nextReloadSignal?.().then(() => resolve('reload'));
      });
      const event = await Promise.race([
        io.shutdownSignal.then((signal) => `caught signal (${signal})`),
        running.pipeline.engine.stopRequested.then((reason) => `stop requested by ${reason}`),
        nextReload,
      ]);
      const { logger, pipeline } = running;
      if (event !== 'reload') {
        logger.info(`[engine] ${event}`);
        await pipeline.stop();
        return 0;
      }
      if (!reload.enabled) {
        logger.warn('[reload] SIGHUP: hot reload is not enabled (set Hot_Reload On in [SERVICE], or -Y); nothing changes');
        continue;
      }
      reload.inProgress = true;
      const { hotReloadTimeout } = running.config.service;
      const watchdog = hotReloadTimeout > 0 ? setTimeout(() => abortReload(logger, hotReloadTimeout), hotReloadTimeout * 1000) : undefined;
      try {
        const next = await reloadPipeline(running, build);
        if (next === undefined) continue;
        running = next;
        reload.enabled = next.config.service.hotReload;
        reload.count++;
        next.logger.info(`[reload] done (hot_reload_count=${reload.count})`);
      } finally {
        clearTimeout(watchdog);
        reload.inProgress = false;
      }
    }
  } catch (error) {
    if (!TributaryError.isInstance(error)) throw error;
    io.stderr(`[error] ${error.message}\n`);
    return 1;
  }
}

/** A running pipeline with the configuration and logger it was built from. */
interface RunningPipeline {
  readonly config: PipelineConfig;
  readonly logger: Logger;
  readonly pipeline: PipelineRuntime;
}

/**
 * Fluent Bit's reload: the new configuration is read and checked whole before anything stops —
 * refused (undefined, logged) if it fails — then the running pipeline stops for the reload
 * (waiting for every pending task under Hot_Reload.Ensure_Thread_Safety, on unless -W) and the
 * new one starts.
 */
async function reloadPipeline(running: RunningPipeline, build: () => RunningPipeline | undefined): Promise<RunningPipeline | undefined> {
  running.logger.info('[reload] reloading the configuration');
  let next: RunningPipeline | undefined;
  try {
    next = build();
    if (next === undefined) throw new TributaryError('RELOAD', 'the new configuration has no inputs and no outputs');
  } catch (error) {
    if (!TributaryError.isInstance(error)) throw error;
    running.logger.error(`[reload] the new configuration is refused, the running pipeline goes on unchanged: ${error.message}`);
    return undefined;
  }
  await running.pipeline.stop({ hotReload: true, ...(running.config.service.hotReloadEnsureThreadSafety ? { grace: -1 } : {}) });
  await next.pipeline.start();
  return next;
}

/**
 * A SIGHUP while a reload runs is refused with Fluent Bit's error rather than queued for another
 * reload afterwards: this watcher always waits for SIGHUP, so one that comes mid-reload is taken here.
 */
async function refuseSighupDuringReload(reload: { readonly inProgress: boolean }, io: AgentIo, logger: () => Logger): Promise<void> {
  if (io.nextReloadSignal === undefined) return;
  for (;;) {
    await io.nextReloadSignal();
    if (reload.inProgress) logger().error('[reload] reloading in progress: this SIGHUP is ignored');
  }
}

/** `Hot_Reload.Timeout` passed with the reload unfinished: Fluent Bit's watchdog calls abort() rather than hang. */
function abortReload(logger: Logger, seconds: number): never {
  logger.error(`[reload] Hot_Reload.Timeout exceeded (${seconds} s) with the reload unfinished: aborting to prevent an indefinite hang, as Fluent Bit does`);
  // SIGABRT as abort() raises it, without the native stack trace process.abort() prints.
  process.kill(process.pid, 'SIGABRT');
  process.exit(134);
}

/** `--dump-yaml`: the `-c` classic config as YAML, to move to Fluent Bit's YAML format. */
function dumpYaml(file: string | undefined, io: AgentIo): number {
  if (file === undefined || isYamlFile(file)) {
    io.stderr(`[error] --dump-yaml prints a classic config as YAML: give one with -c <file.conf>.\n`);
    return 1;
  }
  io.stdout(classicToYaml(readClassicConfig(file)));
  return 0;
}

/** `-h` (usage and every plugin) or `-i NAME -h` / `-F NAME -h` / `-o NAME -h` (one plugin's properties). */
function printHelp(help: HelpRequest, registry: PluginRegistry, io: AgentIo): number {
  if (help.kind === 'general') {
    io.stdout(generalHelp(registry));
    return 0;
  }
  const plugin =
    help.type === 'input' ? registry.input(help.name) : help.type === 'output' ? registry.output(help.name) : help.type === 'filter' ? registry.filter(help.name) : undefined;
  if (!plugin) {
    io.stderr(`[error] no ${help.type} plugin named '${help.name}'. Run 'agent -h' to list the plugins.\n`);
    return 1;
  }
  io.stdout(pluginHelp(plugin));
  return 0;
}
