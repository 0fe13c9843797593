import { appendFileSync } from 'node:fs';
import { ConfigError, loadPipelineConfig, parseCommandLine } from '@tributary/config';
import { createLogger, TributaryError, type LogSink } from '@tributary/core';
import { GoPluginHost } from '@tributary/output-abi';
import { generalHelp, pluginHelp } from './help.js';
import { createPipeline, createRegistry, loadSharedPlugins } from './pipeline-runtime.js';
import { VERSION } from './version.js';


/** What the agent talks to; the CLI passes the process's, tests their own. */
export interface AgentIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves with the signal name when the agent should shut down. */
  shutdownSignal: Promise<string>;
}

/**
 * Runs the agent as Fluent Bit's command line does and resolves with the exit code: 0 after a
 * clean shutdown, help, version or a successful `--dry-run`; 1 on a bad command line or
 * config, with a message that says where and how to fix it.
 */
export async function runAgent(argv: readonly string[], io: AgentIo): Promise<number> {
  const errorLine = (message: string) => io.stderr(`[error] ${message}\n`);
  try {
    const commandLine = parseCommandLine(argv);
    if (commandLine.version) {
      io.stdout(`Tributary agent v${VERSION}\n`);
      return 0;
    }
    if (commandLine.workdir !== undefined) process.chdir(commandLine.workdir);

    const registry = createRegistry();
    const goPlugins = new GoPluginHost();
    // -e libraries load during argument parsing in Fluent Bit, so `-h` lists them.
    loadSharedPlugins(commandLine.plugins, registry, goPlugins);
    if (commandLine.help) {
      const help = commandLine.help;
      if (help.kind === 'general') io.stdout(generalHelp(registry));
      else {
        const plugin = help.type === 'input' ? registry.input(help.name) : help.type === 'output' ? registry.output(help.name) : undefined;
        if (!plugin) {
          errorLine(`no ${help.type} plugin named '${help.name}'. Run 'agent -h' to list the plugins.`);
          return 1;
        }
        io.stdout(pluginHelp(plugin));
      }
      return 0;
    }

    const config = loadPipelineConfig({ ...commandLine, plugins: [] }, { env: io.env });
    const sink: LogSink = config.service.logFile
      ? { write: (line) => appendFileSync(config.service.logFile!, line) }
      : { write: io.stderr };
    const logger = createLogger({ level: config.service.logLevel, sink });
    for (const warning of config.warnings) logger.warn(warning);
    if (config.service.daemon) logger.warn('[agent] Daemon is not supported: the agent stays in the foreground; run it under a service manager.');
    if (config.service.parsersFiles.length > 0) logger.warn('[agent] Parsers_File is read for its path only: Tributary has no parsers yet.');
    if (config.inputs.length === 0 && config.outputs.length === 0) {
      errorLine(`no inputs and no outputs are configured. Give some with -i/-o (e.g. 'agent -i dummy -o stdout') or -c <file>.`);
      return 1;
    }
    const pipeline = createPipeline(config, { registry, logger, goPlugins });
    if (commandLine.dryRun) {
      io.stderr('configuration test is successful\n');
      return 0;
    }
    logger.info(`[agent] Tributary v${VERSION}`);
    await pipeline.start();
    const signal = await io.shutdownSignal;
    logger.info(`[engine] caught signal (${signal})`);
    await pipeline.stop();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TributaryError) {
      errorLine(error.message);
      return 1;
    }
    throw error;
  }
}
