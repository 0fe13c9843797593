import { createLogger } from '@tributary/base';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { defineFilter, type FilterInstance } from './filter-plugin.js';
import type { FlushResult } from './plugin.js';
import { collectingOutput, manualInput } from './testing/index.js';

/** A filter from a function, for the engine's own tests. */
const inline = (name: string, filter: FilterInstance['filter']) => defineFilter({ name, description: 'test filter', configMap: {}, init: () => ({ filter }) });
const bodies = (output: ReturnType<typeof collectingOutput>) => output.events().map((event) => event.body);

describe('processors (YAML processors.logs)', () => {
  it("run on every record of their input whatever its tag, before the pipeline's filters, and on each flush of their output only", async () => {
    const order: string[] = [];
    const input = manualInput();
    const seen = collectingOutput();
    const plain = collectingOutput();
    const engine = new Engine({
      inputs: [{ plugin: input.plugin, tag: 'in', processors: [{ plugin: inline('stamp', (event) => (order.push('processor'), event.body.set('p', 'in'), 'modified')) }] }],
      filters: [{ plugin: inline('after', () => (order.push('filter'), 'keep')), match: '*' }],
      outputs: [
        { plugin: seen.plugin, match: '*', retryLimit: -1, processors: [{ plugin: inline('out', (event) => (event.body.set('o', 'yes'), 'modified')) }] },
        { plugin: plain.plugin, match: '*' },
      ],
      logger: createLogger({ level: 'error' }),
    });
    await engine.start();
    input.append({ n: 1 }, 'any.tag');
    await engine.stop();
    expect(order).toEqual(['processor', 'filter']);
    expect(bodies(seen)).toEqual([{ n: 1, p: 'in', o: 'yes' }]);
    expect(bodies(plain)).toEqual([{ n: 1, p: 'in' }]);
    expect(engine.metrics().filters.map((filter) => filter.name)).toEqual(['after.0']);
  });

  it('run again on each attempt of a retried chunk; a chunk they empty is done with, unsent', async () => {
    let calls = 0;
    const input = manualInput();
    const retried = collectingOutput(['retry' as FlushResult]);
    const emptied = collectingOutput();
    const engine = new Engine({
      inputs: [{ plugin: input.plugin, tag: 'in' }],
      outputs: [
        { plugin: retried.plugin, match: '*', retryLimit: -1, processors: [{ plugin: inline('count', () => (calls++, 'keep')) }] },
        { plugin: emptied.plugin, match: '*', processors: [{ plugin: inline('none', () => 'drop') }] },
      ],
      backoff: { base: 30, cap: 30 },
      random: () => 0.5,
      logger: createLogger({ level: 'error' }),
    });
    await engine.start();
    input.append({ n: 1 });
    input.append({ n: 2 });
    engine.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await engine.stop(); // shutdown runs the retry at once
    expect(calls).toBe(4);
    expect(retried.flushes).toHaveLength(2);
    expect(emptied.flushes).toHaveLength(0);
    expect(engine.metrics().outputs[1]!.droppedRecords).toBe(0);
  });
});
