// Test support (not exported): runs filters in a real engine between a manual input and a collecting output.
import { createLogger, type LogLevel } from '@tributary/base';
import { Engine, type FilterMetrics, type FilterPlugin, type ParserLookup, type Property } from '@tributary/core';
import { collectingOutput, manualInput } from '@tributary/core/testing';
import { BUILTIN_MULTILINE, createParser, MultilineParser, MultilineStream, stockParser, type ParserDefinition } from '@tributary/parsers';

export interface FilterUnderTest {
  readonly plugin: FilterPlugin;
  /** `key value` pairs as a config would write them. */
  readonly properties: ReadonlyArray<readonly [string, string]>;
  readonly match?: string;
}

export interface RecordIn {
  readonly body: Record<string, unknown>;
  readonly tag?: string;
  readonly sec?: number;
  readonly nsec?: number;
}

export interface RecordOut {
  readonly tag: string;
  readonly body: Record<string, unknown>;
  readonly sec: number;
  readonly nsec: number;
}

/** Fluent Bit's stock parsers and `defined` ones, as a pipeline with a Parsers_File knows them. */
function parserLookup(defined: readonly ParserDefinition[]): ParserLookup {
  return {
    find: (name) => {
      const definition = defined.find((parser) => parser.name === name) ?? stockParser(name);
      return definition && createParser(definition);
    },
    multiline: (names, sink, options) =>
      new MultilineStream(
        names.map((name) => {
          const definition = BUILTIN_MULTILINE.find((candidate) => candidate.name === name);
          if (!definition) throw new Error(`multiline parser '${name}' is not defined`);
          return new MultilineParser(definition);
        }),
        sink,
        undefined,
        options?.keyContent,
      ),
  };
}

/** Runs `records` (tag `test` unless given) through `filters` in one engine and returns what reaches the output, and the logs. */
export async function runFilters(filters: readonly FilterUnderTest[], records: readonly RecordIn[], options: { logLevel?: LogLevel; parsers?: readonly ParserDefinition[] } = {}) {
  const input = manualInput();
  const output = collectingOutput();
  const logs: string[] = [];
  const engine = new Engine({
    inputs: [{ plugin: input.plugin, tag: 'test' }],
    filters: filters.map((filter) => ({
      plugin: filter.plugin,
      match: filter.match ?? '*',
      properties: filter.properties.map(([key, value]): Property => ({ key, value })),
    })),
    outputs: [{ plugin: output.plugin, match: '*' }],
    grace: 1,
    parsers: parserLookup(options.parsers ?? []),
    logger: createLogger({ level: options.logLevel ?? 'warn', sink: { write: (line) => void logs.push(line) } }),
  });
  await engine.start();
  for (const record of records) input.appendAt(record.sec ?? 1_700_000_000, record.nsec ?? 0, record.body as never, undefined, record.tag);
  const metrics: FilterMetrics[] = engine.metrics().filters;
  await engine.stop();
  const out: RecordOut[] = output.events().map((event) => ({ tag: event.tag, body: event.body, sec: event.time.sec, nsec: event.time.nsec }));
  return { records: out, bodies: out.map((record) => record.body), logs, metrics, chunks: output.flushes.map((flush) => Buffer.from(flush.data)) };
}
