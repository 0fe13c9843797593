import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParserDefinition } from '@tributary/parsers';
import { runFilters } from './filter-test-support.js';
import { parserFilter } from './parser-filter.js';

const dummyTest: ParserDefinition = { name: 'dummy_test', format: 'regex', regex: '^(?<INT>[^ ]+) (?<FLOAT>[^ ]+) (?<BOOL>[^ ]+) (?<STRING>.+)$' };
const body = { data: '100 0.5 true This is example', key1: 'value1', key2: 'value2' };
const run = async (properties: Array<[string, string]>, records: ReadonlyArray<{ body: Record<string, unknown> }> = [{ body }]) =>
  runFilters([{ plugin: parserFilter, properties }], records, { parsers: [dummyTest] });

describe('parser filter (Fluent Bit documentation examples)', () => {
  it('replaces the record with what the parser reads from Key_Name', async () => {
    expect((await run([['Key_Name', 'data'], ['Parser', 'dummy_test']])).bodies).toEqual([{ INT: '100', FLOAT: '0.5', BOOL: 'true', STRING: 'This is example' }]);
  });

  it('Reserve_Data keeps the other keys after the parsed ones; Preserve_Key keeps the field too', async () => {
    const reserved = (await run([['Key_Name', 'data'], ['Parser', 'dummy_test'], ['Reserve_Data', 'On']])).bodies[0]!;
    expect(Object.keys(reserved)).toEqual(['INT', 'FLOAT', 'BOOL', 'STRING', 'key1', 'key2']);
    const preserved = (await run([['Key_Name', 'data'], ['Parser', 'dummy_test'], ['Reserve_Data', 'On'], ['Preserve_Key', 'On']])).bodies[0]!;
    expect(Object.keys(preserved)).toEqual(['INT', 'FLOAT', 'BOOL', 'STRING', 'data', 'key1', 'key2']);
    const onlyKey = (await run([['Key_Name', 'data'], ['Parser', 'dummy_test'], ['Preserve_Key', 'On']])).bodies[0]!;
    expect(Object.keys(onlyKey)).toEqual(['INT', 'FLOAT', 'BOOL', 'STRING', 'data']);
  });

  it('tries its parsers in order, takes the parsed time, and passes a record none reads unchanged', async () => {
    const records = [
      { body: { log: '{"msg":"json","time":"2023-11-14T22:13:20.5Z"}' } },
      { body: { log: 'not json at all' } },
      { body: { log: 42 } },
    ];
    const { records: out } = await runFilters(
      [{ plugin: parserFilter, properties: [['Key_Name', 'log'], ['Parser', 'nope_missing'], ['Parser', 'docker']] }],
      records,
    );
    // The stock docker parser has Time_Keep On.
    expect(out.map((r) => r.body)).toEqual([{ msg: 'json', time: '2023-11-14T22:13:20.5Z' }, { log: 'not json at all' }, { log: 42 }]);
    expect([out[0]!.sec, out[0]!.nsec]).toEqual([1700000000, 500000000]);
  });

  it('reads a nested field through a record accessor', async () => {
    const { bodies } = await run([['Key_Name', "$k['inner']"], ['Parser', 'dummy_test']], [{ body: { k: { inner: '1 2 3 four' } } }]);
    expect(bodies).toEqual([{ INT: '1', FLOAT: '2', BOOL: '3', STRING: 'four' }]);
  });

  it('refuses no Key_Name and no parser that exists, and names an unknown one', async () => {
    await expect(run([['Parser', 'dummy_test']])).rejects.toThrow(/Key_Name is required/);
    await expect(run([['Key_Name', 'data'], ['Parser', 'nope']])).rejects.toThrow(/Invalid 'parser'/);
    const { logs } = await run([['Key_Name', 'data'], ['Parser', 'nope'], ['Parser', 'dummy_test']]);
    expect(logs.join('')).toMatch(/parser 'nope' is not defined/);
  });

  it('for any record: a field the parser reads becomes the record (the other keys after it), anything else passes unchanged', async () => {
    const kv: ParserDefinition = { name: 'kv', format: 'regex', regex: '^(?<k>[a-z]+)=(?<v>.*)$' };
    const text = fc.oneof(fc.string(), fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.string()).map(([k, v]) => `${k}=${v}`));
    const field = fc.oneof(text, fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
    const other = fc.dictionary(fc.stringMatching(/^[A-Z]{1,4}$/), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, other), { minLength: 1, maxLength: 5 }), async (cases) => {
        const { bodies } = await runFilters(
          [{ plugin: parserFilter, properties: [['Key_Name', 'data'], ['Parser', 'kv'], ['Reserve_Data', 'On']] }],
          cases.map(([data, rest]) => ({ body: { data, ...rest } })),
          { parsers: [kv] },
        );
        expect(bodies).toHaveLength(cases.length);
        for (const [i, [data, rest]] of cases.entries()) {
          const match = typeof data === 'string' ? /^([a-z]+)=(.*)$/s.exec(data) : null;
          if (match && !/\n/.test(data as string)) expect(bodies[i]).toEqual({ k: match[1], ...(match[2] === '' ? {} : { v: match[2] }), ...rest });
          else if (!match) expect(bodies[i]).toEqual({ data, ...rest });
        }
      }),
      { numRuns: 60 },
    );
  });
});
