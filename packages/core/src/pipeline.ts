import { atLocation, type Logger, type LogLevel, type SourceLocation } from '@tributary/base';
import type { Property } from './config-map.js';
import type { EngineOptions, EngineStorageOptions } from './engine.js';
import { CoreError } from './errors.js';
import type { PluginRegistry } from './plugin-registry.js';

interface SectionSpec {
  readonly name: string;
  readonly alias?: string | undefined;
  readonly logLevel?: LogLevel | undefined;
  readonly properties: readonly Property[];
  /** Keys the core consumes (Listen, Host, Port, tls*, net.* ...). */
  readonly coreProperties?: readonly Property[];
  readonly source?: SourceLocation;
}

type FilterSectionSpec = SectionSpec & { match?: string | undefined; matchRegex?: string | undefined };

/**
 * The shape of a parsed pipeline the engine needs — `@tributary/config`'s `PipelineConfig`
 * has it — so core stays independent of the config reader.
 */
export interface PipelineSpec {
  readonly service: { flush: number; grace: number; schedulerBase: number; schedulerCap: number; storage?: EngineStorageOptions | undefined; hotReload?: boolean };
  readonly inputs: ReadonlyArray<SectionSpec & { tag?: string | undefined; memBufLimit: number; processors?: readonly FilterSectionSpec[] }>;
  readonly outputs: ReadonlyArray<SectionSpec & { match?: string | undefined; matchRegex?: string | undefined; retryLimit: number; workers: number; processors?: readonly FilterSectionSpec[] }>;
  readonly filters?: readonly FilterSectionSpec[];
  readonly customs?: readonly SectionSpec[];
}

/**
 * Resolves every section's plugin in `registry` and returns the engine's options. An unknown
 * plugin name is an error naming where it was written and the plugins that exist.
 */
export function engineOptionsFromPipeline(pipeline: PipelineSpec, registry: PluginRegistry, logger?: Logger): EngineOptions {
  // A processor is one of the filters (Fluent Bit's own processors, such as content_modifier, are not in Tributary).
  const filterSpecOf = (kind: 'filter' | 'processor') => (section: FilterSectionSpec) => ({
    plugin: registry.filter(section.name) ?? unknown(kind, section, registry.filters.map((p) => p.name)),
    alias: section.alias,
    match: section.match,
    matchRegex: section.matchRegex,
    logLevel: section.logLevel,
    properties: section.properties,
  });
  const filterSpec = filterSpecOf('filter');
  const processorSpec = filterSpecOf('processor');
  const inputs = pipeline.inputs.map((section) => ({
    plugin: registry.input(section.name) ?? unknown('input', section, registry.inputs.map((p) => p.name)),
    tag: section.tag,
    alias: section.alias,
    memBufLimit: section.memBufLimit,
    logLevel: section.logLevel,
    properties: section.properties,
    coreProperties: section.coreProperties,
    processors: (section.processors ?? []).map(processorSpec),
  }));
  const outputs = pipeline.outputs.map((section) => ({
    plugin: registry.output(section.name) ?? unknown('output', section, registry.outputs.map((p) => p.name)),
    alias: section.alias,
    match: section.match,
    matchRegex: section.matchRegex,
    retryLimit: section.retryLimit,
    workers: section.workers,
    logLevel: section.logLevel,
    properties: section.properties,
    coreProperties: section.coreProperties,
    processors: (section.processors ?? []).map(processorSpec),
  }));
  const filters = (pipeline.filters ?? []).map(filterSpec);
  const customs = (pipeline.customs ?? []).map((section) => ({
    plugin: registry.custom(section.name) ?? unknown('custom', section, registry.customs.map((p) => p.name)),
    alias: section.alias,
    logLevel: section.logLevel,
    properties: section.properties,
  }));
  return {
    inputs,
    filters,
    outputs,
    customs,
    flush: pipeline.service.flush,
    grace: pipeline.service.grace,
    backoff: { base: pipeline.service.schedulerBase, cap: pipeline.service.schedulerCap },
    ...(pipeline.service.storage ? { storage: pipeline.service.storage } : {}),
    ...(pipeline.service.hotReload ? { hotReload: true } : {}),
    ...(logger ? { logger } : {}),
  };
}

function unknown(kind: string, section: SectionSpec, names: string[]): never {
  if (kind === 'processor') {
    throw new CoreError(
      'UNKNOWN_PLUGIN',
      atLocation(section.source, `processor '${section.name}' does not exist. Tributary's processors are its filters: ${names.join(', ')}. Fluent Bit's own processors (content_modifier, labels, sql ...) are not in Tributary.`),
    );
  }
  throw new CoreError(
    'UNKNOWN_PLUGIN',
    atLocation(
      section.source,
      `${kind} plugin '${section.name}' does not exist. ${names.length > 0 ? `The available ${kind}s are: ${names.join(', ')}.` : `There are no ${kind} plugins.`} A Go plugin must be loaded first with -e or Plugins_File.`,
    ),
  );
}
