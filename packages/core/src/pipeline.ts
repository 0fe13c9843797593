import { parseBoolean, type Property } from './config-map.js';
import type { EngineOptions } from './engine.js';
import { TributaryError, formatLocation, type SourceLocation } from './errors.js';
import type { Logger } from './logger.js';
import type { PluginRegistry } from './plugin-registry.js';

interface SectionSpec {
  readonly name: string;
  readonly alias?: string | undefined;
  readonly properties: readonly Property[];
  readonly source?: SourceLocation;
}

/**
 * The shape of a parsed pipeline the engine needs — `@tributary/config`'s `PipelineConfig`
 * has it — so core stays independent of the config reader.
 */
export interface PipelineSpec {
  readonly service: { flush: number; grace: number; schedulerBase: number; schedulerCap: number };
  readonly inputs: ReadonlyArray<SectionSpec & { tag?: string | undefined; memBufLimit: number }>;
  readonly outputs: ReadonlyArray<
    SectionSpec & {
      match?: string | undefined;
      matchRegex?: string | undefined;
      retryLimit: number;
      workers: number;
      /** Keys the core consumes (tls, host, port ...); only `tls` is checked here. */
      coreProperties?: readonly Property[];
    }
  >;
  readonly filters?: readonly SectionSpec[];
}

/**
 * Resolves every section's plugin in `registry` and returns the engine's options. An unknown
 * plugin name is an error naming where it was written and the plugins that exist.
 */
export function engineOptionsFromPipeline(pipeline: PipelineSpec, registry: PluginRegistry, logger?: Logger): EngineOptions {
  const filter = pipeline.filters?.[0];
  if (filter) {
    throw new TributaryError(
      'UNKNOWN_PLUGIN',
      `${where(filter.source)}filter '${filter.name}' is not available: Tributary has no filters yet. Remove the [FILTER] section.`,
    );
  }
  const inputs = pipeline.inputs.map((section) => {
    const plugin = registry.input(section.name) ?? unknown('input', section, registry.inputs.map((p) => p.name));
    return { plugin, tag: section.tag, alias: section.alias, memBufLimit: section.memBufLimit, properties: section.properties };
  });
  const outputs = pipeline.outputs.map((section) => {
    const plugin = registry.output(section.name) ?? unknown('output', section, registry.outputs.map((p) => p.name));
    const tls = section.coreProperties?.find((p) => p.key.toLowerCase() === 'tls');
    if (tls && parseBoolean(tls.value) && !plugin.supportsTls) {
      throw new TributaryError(
        'TLS_UNSUPPORTED',
        `${where(tls.source)}output '${section.name}' does not support TLS: remove 'tls ${tls.value}' (a Go plugin handles TLS itself, through its own properties).`,
      );
    }
    return {
      plugin,
      alias: section.alias,
      match: section.match,
      matchRegex: section.matchRegex,
      retryLimit: section.retryLimit,
      workers: section.workers,
      properties: section.properties,
    };
  });
  return {
    inputs,
    outputs,
    flush: pipeline.service.flush,
    grace: pipeline.service.grace,
    backoff: { base: pipeline.service.schedulerBase, cap: pipeline.service.schedulerCap },
    ...(logger ? { logger } : {}),
  };
}

function where(source: SourceLocation | undefined): string {
  const text = formatLocation(source);
  return text ? `${text}: ` : '';
}

function unknown(kind: string, section: SectionSpec, names: string[]): never {
  throw new TributaryError(
    'UNKNOWN_PLUGIN',
    `${where(section.source)}${kind} plugin '${section.name}' does not exist. The available ${kind}s are: ${names.join(', ')}. ` +
      `A Go plugin must be loaded first with -e or Plugins_File.`,
  );
}
