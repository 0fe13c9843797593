import type { Logger, LogLevel } from '@tributary/base';
import { resolveConfig, type ConfigMap, type ConfigOf, type Property } from './config-map.js';
import { CoreError } from './errors.js';
import type { FilterContext, FilterEmitter, FilterInstance, FilterPlugin } from './filter-plugin.js';
import type { FilterSlot } from './filter-stage.js';
import { createRouteMatcher, type RouteSpec } from './match.js';
import { createFilterMetrics } from './metrics.js';
import type { Scheduler } from './scheduler.js';
import { parserAccess, type ParserLookup } from './text-parser.js';

/** One `[FILTER]` of the pipeline. */
export interface EngineFilterSpec extends RouteSpec {
  readonly plugin: FilterPlugin;
  readonly alias?: string | undefined;
  readonly logLevel?: LogLevel | undefined;
  /** The plugin's own properties (Match, Match_Regex, Alias, Log_Level excluded). */
  readonly properties?: readonly Property[];
}

/** What a filter's context needs of the engine. */
export interface FilterEngineSide {
  readonly log: Logger;
  readonly scheduler: Scheduler;
  readonly parsers: ParserLookup | undefined;
  /** Adds an emitter input for filter `slot` and returns it with its input index. */
  addEmitter(slot: FilterSlot, name: string, memBufLimit: number): { readonly emitter: FilterEmitter; readonly index: number };
}

/** A filter's slot in the stage and how to start its instance. */
export interface FilterSlotWithInit extends FilterSlot {
  init(): Promise<FilterInstance>;
}

/**
 * Validates a `[FILTER]` (its properties and Match) and builds its slot and context. A
 * `processor` (YAML `processors.logs` of an input or output) runs on every record it is given:
 * Match plays no part.
 */
export function createFilterSlot(spec: EngineFilterSpec, index: number, engine: FilterEngineSide, processor = false): FilterSlotWithInit {
  const { plugin } = spec;
  const name = spec.alias ?? `${plugin.name}.${index}`;
  const log = engine.log.child(`${processor ? 'processor' : 'filter'}:${plugin.name}:${name}`, spec.logLevel);
  const properties = spec.properties ?? [];
  const config = resolveConfig(name, plugin.configMap, properties, (message) => log.warn(message));
  const hasRoute = spec.match !== undefined || spec.matchRegex !== undefined;
  if (!hasRoute && !processor) log.warn(`NO match rule for ${name} filter instance, unloading. Add 'Match *' or a tag pattern.`);
  const slot: FilterSlotWithInit = {
    name,
    log,
    metrics: createFilterMetrics(name),
    matches: processor ? () => true : hasRoute ? createRouteMatcher(spec) : () => false,
    instance: undefined,
    emitterInput: -1,
    feeders: new Set(),
    init: async () => plugin.init(context as never),
  };
  const context: FilterContext<ConfigOf<ConfigMap>> = {
    config,
    properties,
    name,
    log,
    ...parserAccess(name, engine.parsers),
    emitter: ({ name: emitterName, memBufLimit }) => {
      if (slot.emitterInput >= 0) throw new CoreError('INIT_FAILED', `${name}: a filter has at most one emitter.`);
      const { emitter, index: input } = engine.addEmitter(slot, emitterName, memBufLimit);
      slot.emitterInput = input;
      return emitter;
    },
    every: (ms, tick) => void engine.scheduler.every(ms, tick),
  };
  return slot;
}
