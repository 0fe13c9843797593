import { atLocation } from '@tributary/base';
import * as path from 'node:path';
import { ConfigError } from './config-error.js';
import { readConfigFile } from './config-file.js';
import { nodeFileSystem, type ConfigFileSystem } from './file-system.js';
import type {
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
import type { RawEntry, RawSection } from './raw-config.js';
import {
  booleanSetting,
  integerSetting,
  logLevelSetting,
  positiveNumberSetting,
  retryLimitSetting,
  sizeSetting,
  type Setting,
} from './values.js';
import { expandVariables, type VariableScope } from './variables.js';

export interface BuildOptions {
  /** `@SET` variables. */
  variables?: ReadonlyMap<string, string>;
  /** The environment for `${VAR}` and `FLB_LOG_LEVEL` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory of the main config file: relative `Plugins_File`/`Parsers_File` fall back to it. */
  baseDir?: string;
  /** Shared libraries named before any section (`-e`). */
  plugins?: PluginFile[];
  fsys?: ConfigFileSystem;
}

/** Keys of an `[OUTPUT]` the core consumes and the plugin never sees (`flb_output_set_property`); `oauth2.*` belong to the plugins that declare them (out_http). */
const OUTPUT_CORE_KEY = /^(host|port|ipv6|log_suppress_interval|storage\.total_limit_size|net\..*|tls|tls\..*|_debug\..*)$/;
/** Keys of an `[INPUT]` the core consumes (`flb_input_set_property`). */
const INPUT_CORE_KEY =
  /^(routable|listen|host|port|ipv6|log_suppress_interval|storage\.type|storage\.pause_on_chunks_overlimit|threaded|thread\.ring_buffer\..*|rate_window|rate_gate.*|net\..*|oauth2.*|tls|tls\..*)$/;

/**
 * Applies sections to Fluent Bit's semantics: merges `[SERVICE]`, expands `${VAR}` in every
 * value, separates core keys from plugin properties, loads `Plugins_File`, and rejects what
 * Fluent Bit rejects, each error naming the file and line.
 */
export function buildPipelineConfig(sections: readonly RawSection[], options: BuildOptions = {}): PipelineConfig {
  const warnings: string[] = [];
  const env = options.env ?? process.env;
  const scope: VariableScope = { variables: options.variables ?? new Map(), env, warn: (m) => warnings.push(m) };
  const fsys = options.fsys ?? nodeFileSystem;
  const expand = (entry: RawEntry): Setting => ({ key: entry.key, value: expandVariables(entry.value, scope), source: entry.source });

  const config: PipelineConfig = {
    service: defaultService(),
    plugins: [...(options.plugins ?? [])],
    inputs: [],
    filters: [],
    outputs: [],
    customs: [],
    warnings,
  };

  for (const section of sections) {
    switch (section.type) {
      case 'service':
        for (const entry of section.entries) applyService(config, expand(entry), options.baseDir, fsys, env);
        break;
      case 'input':
        config.inputs.push(inputSection(section, expand, warnings));
        break;
      case 'output':
        config.outputs.push(outputSection(section, expand, warnings));
        break;
      case 'filter':
        config.filters.push(filterSection(section, expand));
        break;
      case 'custom':
        config.customs.push(propertiesSection(section, expand));
        break;
      case 'parser':
      case 'multiline_parser':
        throw new ConfigError(
          'CONFIG_SECTION_MISPLACED',
          section.source,
          `[${section.header}] is not allowed in the main configuration file. Move it to a parsers file and name that file with 'Parsers_File' in [SERVICE].`,
        );
      case 'plugins':
        throw new ConfigError(
          'CONFIG_SECTION_MISPLACED',
          section.source,
          `[${section.header}] belongs in a separate plugins file. Move it there and add 'Plugins_File <that file>' to [SERVICE], as Fluent Bit expects.`,
        );
      default:
        warnings.push(atLocation(section.source, `section [${section.header}] is not used by Tributary and is ignored`));
    }
  }

  inheritStorageType(config, warnings);
  const storage = config.service.storage;
  if (storage !== undefined && storage.path === '') {
    warnings.push('[SERVICE] storage.* keys are set but storage.path is not: filesystem buffering is off, as in Fluent Bit');
    config.service.storage = undefined;
  }
  const level = env.FLB_LOG_LEVEL;
  if (level) config.service.logLevel = logLevelSetting({ key: 'FLB_LOG_LEVEL', value: level, source: { file: 'environment', line: 0 } });
  return config;
}

/**
 * `[SERVICE] storage.inherit on` with `storage.type`: every input that sets no `storage.type` of
 * its own takes the service's, as `flb_storage_input_create` does (an invalid one, or none,
 * leaves it in memory, with Fluent Bit's warning).
 */
function inheritStorageType(config: PipelineConfig, warnings: string[]): void {
  const { storageInherit, storageType } = config.service;
  if (!storageInherit) return;
  for (const input of config.inputs) {
    if (input.coreProperties.some((property) => property.key === 'storage.type')) continue;
    const type = storageType?.value.trim().toLowerCase();
    if (type === 'filesystem' || type === 'memory' || type === 'memrb') {
      input.coreProperties.push({ key: 'storage.type', value: type, source: storageType!.source });
    } else if (storageType === undefined) {
      warnings.push(atLocation(input.source, `[storage] input '${input.alias ?? input.name}': storage inheritance enabled but no global storage type configured, using default 'memory'`));
    } else {
      warnings.push(atLocation(storageType.source, `[storage] input '${input.alias ?? input.name}': invalid global storage type '${storageType.value}', using default 'memory'`));
    }
  }
}

function defaultService(): ServiceConfig {
  return {
    flush: 1,
    grace: 5,
    logLevel: 'info',
    logFile: undefined,
    daemon: false,
    httpServer: false,
    httpListen: '0.0.0.0',
    httpPort: 2020,
    schedulerBase: 5,
    schedulerCap: 2000,
    parsersFiles: [],
    multilineBufferLimit: 2_000_000,
    hotReload: false,
    hotReloadEnsureThreadSafety: true,
    hotReloadTimeout: 0,
    storageMetrics: true,
    storage: undefined,
    storageType: undefined,
    storageInherit: false,
    other: [],
  };
}

function applyService(
  config: PipelineConfig,
  setting: Setting,
  baseDir: string | undefined,
  fsys: ConfigFileSystem,
  env: Readonly<Record<string, string | undefined>>,
): void {
  const service = config.service;
  switch (setting.key) {
    case 'flush': service.flush = positiveNumberSetting(setting, '1'); break;
    case 'grace': service.grace = integerSetting(setting, -1, '5'); break;
    case 'log_level': service.logLevel = logLevelSetting(setting); break;
    case 'log_file': service.logFile = setting.value; break;
    case 'daemon': service.daemon = booleanSetting(setting); break;
    case 'http_server': service.httpServer = booleanSetting(setting); break;
    case 'http_listen': service.httpListen = setting.value; break;
    case 'http_port': service.httpPort = integerSetting(setting, 0, '2020', 65535); break; // 0: any free port
    case 'scheduler.base': service.schedulerBase = integerSetting(setting, 1, '5'); break;
    case 'scheduler.cap': service.schedulerCap = integerSetting(setting, 1, '2000'); break;
    case 'parsers_file': service.parsersFiles.push(resolveAgainst(setting, baseDir, fsys)); break;
    case 'multiline_buffer_limit': service.multilineBufferLimit = sizeSetting(setting); break;
    case 'plugins_file': config.plugins.push(...readPluginsFile(resolveAgainst(setting, baseDir, fsys), fsys, env)); break;
    case 'hot_reload': service.hotReload = booleanSetting(setting); break;
    case 'hot_reload.ensure_thread_safety': service.hotReloadEnsureThreadSafety = booleanSetting(setting); break;
    case 'hot_reload.timeout': service.hotReloadTimeout = integerSetting(setting, 0, '0'); break;
    case 'storage.path': storageOf(service).path = setting.value; break;
    case 'storage.sync': storageOf(service).fullSync = storageSync(setting); break;
    case 'storage.checksum': storageOf(service).checksum = booleanSetting(setting); break;
    case 'storage.backlog.mem_limit': storageOf(service).backlogMemLimit = sizeSetting(setting); break;
    case 'storage.metrics': service.storageMetrics = booleanSetting(setting); break;
    case 'storage.delete_irrecoverable_chunks': storageOf(service).deleteIrrecoverable = booleanSetting(setting); break;
    case 'storage.max_chunks_up': storageOf(service).maxChunksUp = integerSetting(setting, 0, '128') || 128; break;
    case 'storage.type': service.storageType = setting; break;
    case 'storage.inherit': service.storageInherit = booleanSetting(setting); break;
    case 'storage.keep.rejected': storageOf(service).keepRejected = booleanSetting(setting); break;
    case 'storage.rejected.path': storageOf(service).rejectedPath = setting.value; break;
    case 'storage.rejected.limit': storageOf(service).rejectedLimit = sizeSetting(setting); break;
    default: service.other.push(setting);
  }
}

/** The storage settings, made on the first `storage.*` key (`path` stays empty until `storage.path` comes). */
function storageOf(service: ServiceConfig): StorageConfig {
  return (service.storage ??= { path: '', fullSync: false, checksum: false, backlogMemLimit: 5_000_000 /* 5M */, deleteIrrecoverable: false, maxChunksUp: 128, keepRejected: false, rejectedPath: 'rejected', rejectedLimit: undefined });
}

function storageSync(setting: Setting): boolean {
  const value = setting.value.trim().toLowerCase();
  if (value === 'normal' || value === 'full') return value === 'full';
  throw new ConfigError('CONFIG_INVALID_VALUE', setting.source, `invalid value for '${setting.key}': expected normal or full, for example '${setting.key} normal', but got '${setting.value}'.`);
}

/** A relative path that does not exist is retried against the main config file's directory. */
function resolveAgainst(setting: Setting, baseDir: string | undefined, fsys: ConfigFileSystem): string {
  const file = setting.value;
  if (fsys.exists(file) || path.isAbsolute(file) || baseDir === undefined) {
    if (!fsys.exists(file)) missing(setting, file);
    return file;
  }
  const joined = path.join(baseDir, file);
  if (!fsys.exists(joined)) missing(setting, `${file}' nor '${joined}`);
  return joined;
}

function missing(setting: Setting, what: string): never {
  throw new ConfigError('CONFIG_FILE_NOT_FOUND', setting.source, `'${setting.key}' names a file that does not exist: neither '${what}'. Check the path.`);
}

/** A classic plugins file: every `Path` key of every `[PLUGINS]` section is one shared library. */
function readPluginsFile(file: string, fsys: ConfigFileSystem, env: Readonly<Record<string, string | undefined>>): PluginFile[] {
  const raw = readConfigFile(file, fsys);
  const dir = path.dirname(file);
  const plugins: PluginFile[] = [];
  for (const section of raw.sections) {
    if (section.type !== 'plugins') continue;
    for (const entry of section.entries) {
      if (entry.key !== 'path') continue;
      const value = expandVariables(entry.value, { variables: raw.variables, env });
      const resolved = path.isAbsolute(value) || fsys.exists(value) ? value : path.join(dir, value);
      plugins.push({ path: resolved, source: entry.source });
    }
  }
  return plugins;
}

function pluginSection(section: RawSection, expand: (entry: RawEntry) => Setting): { section: PluginSection; settings: Setting[] } {
  let name: Setting | undefined;
  const settings: Setting[] = [];
  for (const entry of section.entries) {
    const setting = expand(entry);
    if (setting.key === 'name') name ??= setting;
    else if (setting.key !== 'routes') settings.push(setting);
  }
  if (!name || name.value === '') {
    throw new ConfigError(
      'CONFIG_MISSING_NAME',
      section.source,
      `section '${section.type}' is missing the 'name' property. Add a line such as '    Name ${section.type === 'input' ? 'dummy' : 'stdout'}'.`,
    );
  }
  const result: PluginSection = {
    name: name.value,
    alias: undefined,
    logLevel: undefined,
    properties: [],
    coreProperties: [],
    source: section.source,
  };
  // `name://host:port` is Fluent Bit's shorthand for Name plus Host and Port.
  const protocol = /^([^:]+):\/\/([^:/]*)(?::(\d+))?$/.exec(name.value);
  if (protocol) {
    result.name = protocol[1]!;
    if (protocol[2]) result.coreProperties.push({ key: 'host', value: protocol[2], source: name.source });
    if (protocol[3]) result.coreProperties.push({ key: 'port', value: protocol[3], source: name.source });
  }
  const rest: Setting[] = [];
  for (const setting of settings) {
    if (setting.key === 'alias') result.alias = setting.value;
    else if (setting.key === 'log_level') result.logLevel = logLevelSetting(setting);
    else rest.push(setting);
  }
  return { section: result, settings: rest };
}

/** A section whose every key but Name, Alias and Log_Level is a plugin property ([CUSTOM]). */
function propertiesSection(section: RawSection, expand: (entry: RawEntry) => Setting): PluginSection {
  const { section: base, settings } = pluginSection(section, expand);
  for (const setting of settings) base.properties.push(toProperty(setting));
  return base;
}

function filterSection(section: RawSection, expand: (entry: RawEntry) => Setting): FilterSection {
  const { section: base, settings } = pluginSection(section, expand);
  const filter: FilterSection = { ...base, match: undefined, matchRegex: undefined };
  for (const setting of settings) {
    if (setting.key === 'match') filter.match = setting.value;
    else if (setting.key === 'match_regex') filter.matchRegex = regexSetting(setting);
    else filter.properties.push(toProperty(setting));
  }
  return filter;
}

/** A processor: a filter that runs on every record of its input or output, so Match has no effect on it. */
function processorSections(section: RawSection, expand: (entry: RawEntry) => Setting, warnings: string[]): FilterSection[] {
  return (section.processors ?? []).map((raw) => {
    const processor = filterSection(raw, expand);
    if (processor.match !== undefined || processor.matchRegex !== undefined) {
      warnings.push(atLocation(raw.source, `processor '${processor.name}': match has no effect on a processor, which runs on every record of its ${section.type}`));
    }
    return processor;
  });
}

function inputSection(section: RawSection, expand: (entry: RawEntry) => Setting, warnings: string[]): InputSection {
  const { section: base, settings } = pluginSection(section, expand);
  const input: InputSection = { ...base, tag: undefined, memBufLimit: 0, processors: processorSections(section, expand, warnings) };
  for (const setting of settings) {
    if (setting.key === 'tag') input.tag = setting.value;
    else if (setting.key === 'mem_buf_limit') input.memBufLimit = sizeSetting(setting);
    else if (INPUT_CORE_KEY.test(setting.key)) input.coreProperties.push(toProperty(setting));
    else input.properties.push(toProperty(setting));
  }
  return input;
}

function outputSection(section: RawSection, expand: (entry: RawEntry) => Setting, warnings: string[]): OutputSection {
  const { section: base, settings } = pluginSection(section, expand);
  const output: OutputSection = { ...base, match: undefined, matchRegex: undefined, retryLimit: 1, workers: 0, processors: processorSections(section, expand, warnings) };
  for (const setting of settings) {
    switch (setting.key) {
      case 'match': output.match = setting.value; break;
      case 'match_regex': output.matchRegex = regexSetting(setting); break;
      case 'retry_limit': output.retryLimit = retryLimitSetting(setting, (m) => warnings.push(m)); break;
      case 'workers': output.workers = integerSetting(setting, 0, '2'); break;
      default:
        if (OUTPUT_CORE_KEY.test(setting.key)) output.coreProperties.push(toProperty(setting));
        else output.properties.push(toProperty(setting));
    }
  }
  return output;
}

function regexSetting(setting: Setting): string {
  try {
    new RegExp(setting.value);
  } catch (error) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      setting.source,
      `invalid regular expression for 'match_regex': ${(error as Error).message}. Example: 'Match_Regex ^(cpu|mem)\\..*'.`,
    );
  }
  return setting.value;
}

function toProperty(setting: Setting): Property {
  return { key: setting.key, value: setting.value, source: setting.source };
}

