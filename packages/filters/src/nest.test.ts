import { describe, expect, it } from 'vitest';
import { runFilters } from './filter-test-support.js';
import { nestFilter } from './nest.js';

const run = async (properties: Array<[string, string]>, body: Record<string, unknown>) => (await runFilters([{ plugin: nestFilter, properties }], [{ body }])).bodies[0];

describe('nest (Fluent Bit documentation examples)', () => {
  const mem = { 'Mem.total': 1016024, 'Mem.used': 716672, 'Mem.free': 299352, 'Swap.total': 2064380, 'Swap.used': 32656, 'Swap.free': 2031724 };

  it('nest with Wildcard and Remove_prefix: the nested map comes after the other keys', async () => {
    const out = await run([['Operation', 'nest'], ['Wildcard', 'Mem.*'], ['Nest_under', 'Memstats'], ['Remove_prefix', 'Mem.']], mem);
    expect(Object.entries(out!)).toEqual([
      ['Swap.total', 2064380], ['Swap.used', 32656], ['Swap.free', 2031724],
      ['Memstats', { total: 1016024, used: 716672, free: 299352 }],
    ]);
  });

  it('nest then lift with Add_prefix (two instances), the documentation example', async () => {
    const { bodies } = await runFilters(
      [
        { plugin: nestFilter, properties: [['Operation', 'nest'], ['Wildcard', 'Mem.*'], ['Nest_under', 'Stats']] },
        { plugin: nestFilter, properties: [['Operation', 'lift'], ['Nested_under', 'Stats'], ['Add_prefix', 'Lifted_']] },
      ],
      [{ body: mem }],
    );
    expect(Object.keys(bodies[0]!)).toEqual(['Swap.total', 'Swap.used', 'Swap.free', 'Lifted_Mem.total', 'Lifted_Mem.used', 'Lifted_Mem.free']);
  });

  it('several Wildcards, exact and prefix; a record none selects is left alone', async () => {
    expect(await run([['Operation', 'nest'], ['Wildcard', 'a'], ['Wildcard', 'b*'], ['Nest_under', 'n']], { a: 1, ab: 2, bc: 3, c: 4 })).toEqual({ ab: 2, c: 4, n: { a: 1, bc: 3 } });
    expect(await run([['Operation', 'nest'], ['Wildcard', 'x*'], ['Nest_under', 'n']], { a: 1 })).toEqual({ a: 1 });
  });

  it('lift of a value that is not a map leaves the record alone', async () => {
    expect(await run([['Operation', 'lift'], ['Nested_under', 'k']], { k: 'text', a: 1 })).toEqual({ k: 'text', a: 1 });
  });

  it.each([
    [[['Operation', 'Nest'], ['Wildcard', 'a'], ['Nest_under', 'n']], /Operation must be 'nest' or 'lift'/],
    [[['Operation', 'nest'], ['Nest_under', 'n']], /needs Wildcard and Nest_under/],
    [[['Operation', 'lift']], /needs Nested_under/],
    [[['Operation', 'lift'], ['Nested_under', 'n'], ['Add_prefix', 'a'], ['Remove_prefix', 'b']], /exclusive/],
    [[['Operation', 'lift'], ['Nested_under', 'n'], ['Bogus', 'x']], /unknown property 'Bogus'/],
  ] as Array<[Array<[string, string]>, RegExp]>)('refuses a bad configuration: %j', async (properties, message) => {
    await expect(runFilters([{ plugin: nestFilter, properties }], [])).rejects.toThrow(message);
  });
});
