import { createLogger } from '@tributary/base';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import type { EngineFilterSpec } from './engine-filters.js';
import { defineFilter, type FilterEmitter, type FilterInstance } from './filter-plugin.js';
import { RecordMap } from './record-map.js';
import { collectingOutput, manualInput } from './testing/index.js';

/** A filter from a function, for the engine's own tests. */
const inline = (name: string, filter: FilterInstance['filter'], onInit?: (emitter: (n: string) => FilterEmitter) => void) =>
  defineFilter({
    name,
    description: 'test filter',
    configMap: {},
    init(ctx) {
      onInit?.((emitterName) => ctx.emitter({ name: emitterName, memBufLimit: 0 }));
      return { filter };
    },
  });

async function run(filters: EngineFilterSpec[], appends: Array<[tag: string, body: Record<string, string>]>) {
  const input = manualInput();
  const output = collectingOutput();
  const logs: string[] = [];
  const engine = new Engine({
    inputs: [{ plugin: input.plugin, tag: 'in' }],
    filters,
    outputs: [{ plugin: output.plugin, match: '*' }],
    grace: 1,
    logger: createLogger({ level: 'warn', sink: { write: (line) => void logs.push(line) } }),
  });
  await engine.start();
  for (const [tag, body] of appends) input.append(body, tag);
  const metrics = engine.metrics();
  await engine.stop();
  return { events: output.events().map((e) => [e.tag, e.body]), logs: logs.join(''), metrics };
}

describe('the filter stage', () => {
  it('runs the filters whose Match or Match_Regex selects the tag, in config order; an unchanged record keeps its bytes', async () => {
    const seen: string[] = [];
    const mark = (name: string) => inline(name, (event) => (seen.push(name), event.body.set(name, 'yes'), 'modified'));
    const { events } = await run(
      [
        { plugin: mark('a'), match: 'x.*' },
        { plugin: inline('none', () => 'keep'), match: '*' },
        { plugin: mark('b'), matchRegex: 'x\\.' },
        { plugin: mark('c'), match: 'y' },
      ],
      [['x.1', { k: 'v' }]],
    );
    expect(seen).toEqual(['a', 'b']);
    expect(events).toEqual([['x.1', { k: 'v', a: 'yes', b: 'yes' }]]);
  });

  it('a drop ends the chain; several records out are all written; the counts say so', async () => {
    const split = inline('split', (event) => [{ ...event, body: RecordMap.from({ part: '1' }) }, { ...event, body: RecordMap.from({ part: '2' }) }]);
    const dropOne = inline('drop', (event) => (event.body.get('part') === '1' ? 'drop' : 'keep'));
    const { events, metrics } = await run([{ plugin: split, match: '*' }, { plugin: dropOne, match: '*' }], [['t', { k: 'v' }]]);
    expect(events).toEqual([['t', { part: '2' }]]);
    expect(metrics.filters).toMatchObject([{ name: 'split.0', records: 1, addRecords: 1 }, { name: 'drop.1', records: 2, dropRecords: 1 }]);
  });

  it('a filter that throws, or makes a record msgpack cannot hold, is counted and the record kept as it came', async () => {
    const thrower = inline('thrower', () => {
      throw new Error('boom');
    });
    const unencodable = inline('fn', (event) => (event.body.set('f', (() => 1) as never), 'modified'));
    const { events, metrics, logs } = await run([{ plugin: thrower, match: '*' }, { plugin: unencodable, match: '*' }], [['t', { k: 'v' }]]);
    expect(events).toEqual([['t', { k: 'v' }]]);
    expect(metrics.filters.map((m) => m.errors)).toEqual([1, 1]);
    expect(logs).toMatch(/filter failed, the record is kept as it was .*boom/);
    expect(logs).toMatch(/cannot be encoded, the original is kept/);
  });

  it('a filter without Match or Match_Regex warns and sees nothing', async () => {
    const { events, logs } = await run([{ plugin: inline('lost', () => 'drop') }], [['t', { k: 'v' }]]);
    expect(events).toEqual([['t', { k: 'v' }]]);
    expect(logs).toContain('NO match rule for lost.0 filter instance, unloading.');
  });

  it('records re-tagged through emitters back and forth are refused as a cycle, with one error, and nothing hangs', async () => {
    let toB: FilterEmitter | undefined;
    let toA: FilterEmitter | undefined;
    const ab = inline('ab', (event) => (toB!.emit('b', event), 'drop'), (emitter) => (toB = emitter('em_b')));
    const ba = inline('ba', (event) => (toA!.emit('a', event), 'drop'), (emitter) => (toA = emitter('em_a')));
    const { events, logs, metrics } = await run([{ plugin: ab, match: 'a' }, { plugin: ba, match: 'b' }], [['a', { k: 'v' }]]);
    expect(events).toEqual([]);
    expect(logs.match(/emitter cycle detected/g)).toHaveLength(1);
    expect(metrics.inputs.map((m) => m.name)).toEqual(['manual.0', 'em_b', 'em_a']);
  });

  it('pauses the inputs that feed a filter while its emitter is paused, and resumes them with it', async () => {
    let emitter: FilterEmitter | undefined;
    const retag = defineFilter({
      name: 'retag',
      description: 'test filter',
      configMap: {},
      init(ctx) {
        emitter = ctx.emitter({ name: 'em', memBufLimit: 100 });
        return { filter: (event) => (emitter!.emit('out', event), 'drop') };
      },
    });
    let release!: (result: 'ok') => void;
    const output = collectingOutput([new Promise((resolve) => (release = resolve))]);
    const input = manualInput();
    const engine = new Engine({ inputs: [{ plugin: input.plugin, tag: 'in' }], filters: [{ plugin: retag, match: 'in' }], outputs: [{ plugin: output.plugin, match: '*' }], logger: createLogger({ level: 'off' }) });
    await engine.start();
    // Past 100 bytes the emitter pauses, and the input feeding it with it.
    for (let i = 0; i < 10 && input.append({ padding: 'x'.repeat(20) }); i++);
    expect(input.state.paused).toBe(1);
    expect(input.append({ more: 'x' })).toBe(false);
    engine.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
    release('ok');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(input.state.resumed).toBe(1);
    expect(input.append({ again: 'x' })).toBe(true);
    await engine.stop();
  });
});
