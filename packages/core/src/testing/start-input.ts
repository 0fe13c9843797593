import { silentLogger } from '@tributary/base';
import { Engine } from '../engine.js';
import type { InputPlugin } from '../plugin.js';
import type { ParserLookup } from '../text-parser.js';
import { collectingOutput } from './collecting-output.js';

/**
 * Runs one input plugin through a real engine into a collecting output, with `properties` as a
 * config would give them. Tests drive time with fake timers; `await using` stops the engine.
 */
export async function startInput(plugin: InputPlugin, properties: Record<string, string> = {}, options: { tag?: string; coreProperties?: Record<string, string>; parsers?: ParserLookup } = {}) {
  const output = collectingOutput();
  const toProperties = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value }));
  const engine = new Engine({
    logger: silentLogger,
    inputs: [{ plugin, properties: toProperties(properties), coreProperties: toProperties(options.coreProperties ?? {}), tag: options.tag }],
    outputs: [{ plugin: output.plugin }],
    ...(options.parsers ? { parsers: options.parsers } : {}),
  });
  await engine.start();
  return {
    engine,
    output,
    /** Every record delivered so far. */
    events: () => output.events(),
    /** The raw chunks delivered so far. */
    chunks: () => output.flushes.map((flush) => flush.data),
    [Symbol.asyncDispose]: () => engine.stop(),
  };
}
