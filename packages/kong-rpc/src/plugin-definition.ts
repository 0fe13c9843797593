import type { KongPdk } from './pdk-types.js';
import type { ConfigFromSchema, SchemaFields } from './schema.js';

/** The phases an external plugin can implement. */
export const PHASES = ['certificate', 'rewrite', 'access', 'response', 'preread', 'log'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * A record a plugin emits into the pipeline: a JSON-like object, or msgpack bytes of a map
 * (the pipeline copies them before `emit` returns, so a reused buffer is safe).
 */
export type EmittedRecord = { readonly [key: string]: unknown } | Uint8Array;

/** What a phase handler gets besides the PDK. */
export interface PhaseContext<C> {
  readonly config: C;
  /** The Kong instance id this handler runs for. */
  readonly instanceId: number;
  /**
   * Sends a record into the sidecar's pipeline (and from there to any output, Go plugins
   * included), tagged `tag`. A no-op when the sidecar runs without a pipeline.
   */
  emit(tag: string, record: EmittedRecord): void;
}

/** A phase handler: the PDK first, as kong-pdk plugins receive it, then Tributary's context. */
export type PhaseHandler<C> = (kong: KongPdk, context: PhaseContext<C>) => void | Promise<void>;

/** A plugin written for Tributary, with its config type derived from its schema. */
export interface PluginDefinition<S extends SchemaFields = SchemaFields> {
  /** The name Kong's `plugins` list uses (lower case). */
  readonly name: string;
  /** `x.y.z`, which Kong 3.x requires. */
  readonly version: string;
  /** Kong's execution priority: an integer. */
  readonly priority: number;
  /** The config fields (Kong schema DSL). */
  readonly schema: S;
  readonly phases: { readonly [P in Phase]?: PhaseHandler<ConfigFromSchema<S>> };
}

const DEFINED = Symbol.for('tributary.kong-plugin');

/** A plugin definition marked for the loader. */
export type DefinedPlugin<S extends SchemaFields = SchemaFields> = PluginDefinition<S> & { readonly [DEFINED]: true };

/**
 * Declares a Kong plugin. The handlers' `context.config` is typed from `schema`:
 *
 * ```ts
 * export default definePlugin({
 *   name: 'hello', version: '1.0.0', priority: 10,
 *   schema: [{ greeting: { type: 'string', required: true } }],
 *   phases: {
 *     async access(kong, { config }) {
 *       await kong.response.setHeader('x-hello', config.greeting);
 *     },
 *   },
 * });
 * ```
 */
export function definePlugin<const S extends SchemaFields>(definition: PluginDefinition<S>): DefinedPlugin<S> {
  return { ...definition, [DEFINED]: true };
}

export function isDefinedPlugin(value: unknown): value is DefinedPlugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINED] === true;
}
