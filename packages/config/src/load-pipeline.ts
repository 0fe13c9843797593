import { COMMAND_LINE } from '@tributary/base';
import * as path from 'node:path';
import { buildPipelineConfig } from './build-pipeline.js';
import { readClassicConfig } from './classic-reader.js';
import type { CommandLine } from './command-line.js';
import { ConfigError } from './config-error.js';
import { nodeFileSystem, type ConfigFileSystem } from './file-system.js';
import type { PipelineConfig } from './pipeline-config.js';
import type { RawSection } from './raw-config.js';

/**
 * The pipeline a command line describes: its `-i/-o` sections first, then the `-c` file's, as
 * Fluent Bit merges them. Service flags are applied before the file, so the file's
 * `[SERVICE]` values (e.g. `Log_Level`) win, and `FLB_LOG_LEVEL` wins over both.
 */
export function loadPipelineConfig(
  commandLine: CommandLine,
  options: { env?: Readonly<Record<string, string | undefined>>; fsys?: ConfigFileSystem } = {},
): PipelineConfig {
  const fsys = options.fsys ?? nodeFileSystem;
  const cliService: RawSection = { type: 'service', header: 'SERVICE', entries: commandLine.service, source: COMMAND_LINE };
  let sections: RawSection[] = [cliService, ...commandLine.sections];
  let variables = new Map<string, string>();
  let baseDir: string | undefined;
  if (commandLine.configFile !== undefined) {
    const file = commandLine.configFile;
    if (!fsys.exists(file)) {
      throw new ConfigError('CONFIG_FILE_NOT_FOUND', COMMAND_LINE, `cannot open configuration file '${file}': no such file. Check the path given to -c.`);
    }
    const raw = readClassicConfig(file, fsys);
    sections = [...sections, ...raw.sections];
    variables = raw.variables;
    baseDir = path.dirname(path.resolve(file));
  }
  return buildPipelineConfig(sections, {
    variables,
    env: options.env,
    baseDir,
    plugins: commandLine.plugins,
    fsys,
  });
}
