import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFilters } from './filter-test-support.js';
import { jsFilter } from './js-filter.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-js-filter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'script.mjs'),
  `export function codes(tag, ts, record) {
     if (record.drop) return [-1, ts, record];
     if (record.keep) return [0, ts, { ignored: true }];
     if (record.retime) return [1, 1600000000.25, { ...record, tag }];
     if (record.split) return [2, ts, [{ part: 1 }, { part: 2 }]];
     return [2, 0, { ...record, seen: true }];
   }
   export function broken(tag, ts, record) {
     if (record.fail) throw new Error('boom');
     if (record.bad) return 'nonsense';
     return [2, ts, { ok: true }];
   }
   export const notAFunction = 1;`,
);
writeFileSync(
  join(dir, 'enrich.ts'),
  `import type { ScriptFilter } from '${join(import.meta.dirname, 'js-filter.ts').replace(/\\/g, '/')}';
   export const enrich: ScriptFilter = (tag, timestamp, record) => [1, timestamp, { ...record, env: 'prod', length: String(record.log).length }];`,
);

const js = (call: string, script = 'script.mjs') => [{ plugin: jsFilter, properties: [['Script', join(dir, script)], ['Call', call]] as Array<[string, string]> }];

describe('js filter (the Lua filter contract)', () => {
  it('follows the return codes: -1 drops, 0 keeps the original, 1 replaces record and time, 2 keeps the time; an array gives several records', async () => {
    const { records } = await runFilters(js('codes'), [
      { body: { drop: true } },
      { body: { keep: true } },
      { body: { retime: true }, tag: 't1' },
      { body: { split: true } },
      { body: { plain: 1 }, sec: 1_700_000_000, nsec: 123_456_789 },
    ]);
    expect(records.map((r) => r.body)).toEqual(expect.arrayContaining([{ keep: true }, { part: 1 }, { part: 2 }, { plain: 1, seen: true }, { retime: true, tag: 't1' }]));
    expect(records).toHaveLength(5);
    expect(records.find((r) => r.body.retime)).toMatchObject({ sec: 1_600_000_000, nsec: 250_000_000 });
    // Code 2 keeps the original time to the nanosecond.
    expect(records.find((r) => r.body.plain)).toMatchObject({ sec: 1_700_000_000, nsec: 123_456_789 });
  });

  it('runs a TypeScript script with no build step', async () => {
    const { bodies } = await runFilters(js('enrich', 'enrich.ts'), [{ body: { log: 'hello' } }]);
    expect(bodies).toEqual([{ log: 'hello', env: 'prod', length: 5 }]);
  });

  it('a call that throws or returns nonsense is counted and the record kept; the pipeline goes on', async () => {
    const { bodies, metrics, logs } = await runFilters(js('broken'), [{ body: { fail: 1 } }, { body: { bad: 1 } }, { body: { fine: 1 } }]);
    expect(bodies).toEqual([{ fail: 1 }, { bad: 1 }, { ok: true }]);
    expect(metrics[0]!.errors).toBe(2);
    expect(logs.join('')).toMatch(/filter failed, the record is kept as it was.*boom/);
  });

  it('refuses a missing Script, a Call that is not an exported function, and a script that does not load', async () => {
    writeFileSync(join(dir, 'syntax.mjs'), 'export function (');
    await expect(runFilters([{ plugin: jsFilter, properties: [['Call', 'x']] }], [])).rejects.toThrow(/Script and Call are both required/);
    await expect(runFilters(js('x', 'missing.js'), [])).rejects.toThrow(/missing\.js does not exist/);
    await expect(runFilters(js('notAFunction'), [])).rejects.toThrow(/Call notAFunction is not a function exported by .*It exports: codes, broken/);
    await expect(runFilters(js('x', 'syntax.mjs'), [])).rejects.toThrow(/failed to load/);
  });
});
