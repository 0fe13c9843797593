import { describe, expect, it } from 'vitest';
import { runFilters } from './filter-test-support.js';
import { grepFilter } from './grep.js';

const logs = ['aaa', 'aab', 'bbb', 'ccc', 'ddd', 'eee', 'fff', 'ggg'].map((log) => ({ body: { log } }));
const run = async (properties: Array<[string, string]>, records: ReadonlyArray<{ body: Record<string, unknown> }> = logs) => (await runFilters([{ plugin: grepFilter, properties }], records)).bodies.map((b) => b.log);

describe('grep (Fluent Bit documentation examples)', () => {
  it.each([
    ['Regex keeps what matches', [['Regex', 'log aa']], ['aaa', 'aab']],
    ['Exclude drops what matches', [['Exclude', 'log aa']], ['bbb', 'ccc', 'ddd', 'eee', 'fff', 'ggg']],
    ['a key written with $ is the same key', [['Regex', '$log ^b']], ['bbb']],
    ['legacy: the first Regex decides at once, later rules are not reached', [['Regex', 'log aa'], ['Exclude', 'log aab']], ['aaa', 'aab']],
    ['legacy: an Exclude before the Regex is applied first', [['Exclude', 'log aab'], ['Regex', 'log aa']], ['aaa']],
    ['Logical_Op or: keep when any Regex matches', [['Logical_Op', 'or'], ['Regex', 'log aa'], ['Regex', 'log bb']], ['aaa', 'aab', 'bbb']],
    ['Logical_Op and: keep when every Regex matches', [['Logical_Op', 'AND'], ['Regex', 'log a'], ['Regex', 'log b']], ['aab']],
    ['Logical_Op or with Exclude: drop when any matches', [['Logical_Op', 'or'], ['Exclude', 'log aa'], ['Exclude', 'log bb']], ['ccc', 'ddd', 'eee', 'fff', 'ggg']],
    ['Logical_Op and with Exclude: drop only when all match', [['Logical_Op', 'and'], ['Exclude', 'log a'], ['Exclude', 'log b']], ['aaa', 'bbb', 'ccc', 'ddd', 'eee', 'fff', 'ggg']],
    ['/…/i flags are honoured', [['Regex', 'log /^AA/i']], ['aaa', 'aab']],
    ['a regex may hold spaces', [['Regex', 'log ^(aaa|b b)$']], ['aaa']],
  ] as Array<[string, Array<[string, string]>, string[]]>)('%s', async (_title, properties, kept) => {
    expect(await run(properties)).toEqual(kept);
  });

  it('reads nested keys through a record accessor, and a number never matches', async () => {
    const records = [
      { body: { kubernetes: { labels: { app: 'myapp' } }, log: 'x' } },
      { body: { kubernetes: { labels: { app: 'other' } }, log: 'y' } },
      { body: { kubernetes: { labels: { app: 7 } }, log: 'z' } },
    ];
    expect(await run([['Regex', "$kubernetes['labels']['app'] ^my"]], records)).toEqual(['x']);
    // A Regex on a numeric value drops; an Exclude on it never drops.
    expect(await run([['Regex', 'n 1']], [{ body: { n: 1, log: 'a' } }])).toEqual([]);
    expect(await run([['Exclude', 'n 1']], [{ body: { n: 1, log: 'a' } }])).toEqual(['a']);
  });

  it('counts what it drops', async () => {
    const { metrics } = await runFilters([{ plugin: grepFilter, properties: [['Regex', 'log aa']] }], logs);
    expect(metrics[0]).toMatchObject({ name: 'grep.0', records: 8, dropRecords: 6, addRecords: 0 });
  });

  it.each([
    [[['Regex', 'log']], /expected a field and a regular expression/],
    [[['Logical_Op', 'and'], ['Regex', 'log a'], ['Exclude', 'log b']], /Both 'regex' and 'exclude' are set/],
    [[['Logical_Op', 'xor']], /Logical_Op 'xor' is not one of/],
    [[['Regex', 'log (']], /does not compile/],
  ] as Array<[Array<[string, string]>, RegExp]>)('refuses a bad configuration: %j', async (properties, message) => {
    await expect(runFilters([{ plugin: grepFilter, properties }], [])).rejects.toThrow(message);
  });
});
