export { buildPipelineConfig, type BuildOptions } from './build-pipeline.js';
export { parseClassicConfig, readClassicConfig } from './classic-reader.js';
export { isYamlFile, readConfigFile } from './config-file.js';
export { readYamlConfig } from './yaml-reader.js';
export { classicToYaml } from './yaml-writer.js';
export { parseCommandLine, type CommandLine, type HelpRequest } from './command-line.js';
export { ConfigError, type ConfigErrorCode } from './config-error.js';
export { nodeFileSystem, type ConfigFileSystem } from './file-system.js';
export { loadPipelineConfig } from './load-pipeline.js';
export type {
  InputSection,
  FilterSection,
  OutputSection,
  PipelineConfig,
  PluginFile,
  PluginSection,
  Property,
  ServiceConfig,
  StorageConfig,
} from './pipeline-config.js';
export type { RawConfig, RawEntry, RawSection, SectionType } from './raw-config.js';
export { expandVariables, type VariableScope } from './variables.js';
export { readUpstreamFile, type UpstreamConfig, type UpstreamNode } from './upstream-file.js';
