import { COMMAND_LINE } from '@tributary/base';
import * as path from 'node:path';
import { buildPipelineConfig } from './build-pipeline.js';
import { isYamlFile, readConfigFile } from './config-file.js';
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
  const plugins = [...commandLine.plugins];
  if (commandLine.configFile !== undefined) {
    const file = commandLine.configFile;
    if (!fsys.exists(file)) {
      throw new ConfigError('CONFIG_FILE_NOT_FOUND', COMMAND_LINE, `cannot open configuration file '${file}': no such file. Check the path given to -c.`);
    }
    const raw = readConfigFile(file, fsys);
    let own = raw.sections;
    if (isYamlFile(file)) {
      // A YAML config may hold its own parsers and plugins: its parsers are read from it as from a
      // Parsers_File, its plugins are loaded as -e ones.
      const parsers = own.filter((section) => section.type === 'parser' || section.type === 'multiline_parser');
      if (parsers.length > 0) own = [{ type: 'service', header: 'service', entries: [{ key: 'parsers_file', value: path.resolve(file), source: parsers[0]!.source }], source: parsers[0]!.source }, ...own];
      for (const section of own) {
        if (section.type === 'plugins') for (const entry of section.entries) plugins.push({ path: path.resolve(path.dirname(file), entry.value), source: entry.source });
      }
      own = own.filter((section) => section.type !== 'parser' && section.type !== 'multiline_parser' && section.type !== 'plugins');
    }
    sections = [...sections, ...own];
    variables = raw.variables;
    baseDir = path.dirname(path.resolve(file));
  }
  return buildPipelineConfig(sections, {
    variables,
    env: options.env,
    baseDir,
    plugins,
    fsys,
  });
}
