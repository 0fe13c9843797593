import { Float64 } from '@tributary/msgpack';
import { describe, expect, it } from 'vitest';
import { runFilters } from './filter-test-support.js';
import { modifyFilter } from './modify.js';

const mem = { 'Mem.total': 1016024, 'Mem.used': 716672, 'Mem.free': 299352, 'Swap.total': 2064380, 'Swap.used': 32656, 'Swap.free': 2031724 };
const run = async (properties: Array<[string, string]>, body: Record<string, unknown> = mem) => (await runFilters([{ plugin: modifyFilter, properties }], [{ body }])).bodies;
const order = (body: Record<string, unknown> | undefined) => Object.entries(body ?? {});

describe('modify (Fluent Bit documentation examples and modify.c semantics)', () => {
  it('the documentation example: Add and Rename in the order written, renamed keys keep their place', async () => {
    const [out] = await run([
      ['Add', 'Service1 SOMEVALUE'],
      ['Add', 'Service3 SOMEVALUE3'],
      ['Add', 'Mem.total2 TOTALMEM2'],
      ['Rename', 'Mem.free MEMFREE'],
      ['Rename', 'Mem.used MEMUSED'],
      ['Rename', 'Swap.total SWAPTOTAL'],
      ['Add', 'Mem.total TOTALMEM'],
    ]);
    expect(order(out)).toEqual([
      ['Mem.total', 1016024], ['MEMUSED', 716672], ['MEMFREE', 299352], ['SWAPTOTAL', 2064380], ['Swap.used', 32656], ['Swap.free', 2031724],
      ['Service1', 'SOMEVALUE'], ['Service3', 'SOMEVALUE3'], ['Mem.total2', 'TOTALMEM2'],
    ]);
  });

  it.each([
    ['Set replaces and moves the key last, as a string', [['Set', 'Mem.total 1']], [['Mem.used', 716672], ['Mem.total', '1']]],
    ['Remove', [['Remove', 'Mem.used']], [['Mem.total', 1016024]]],
    ['Remove_wildcard is a plain prefix', [['Remove_wildcard', 'Mem.t']], [['Mem.used', 716672]]],
    ['Remove_regex', [['Remove_regex', '^Mem\\.u']], [['Mem.total', 1016024]]],
    ['Rename does nothing when the new key exists', [['Rename', 'Mem.total Mem.used']], [['Mem.total', 1016024], ['Mem.used', 716672]]],
    ['Hard_rename replaces the existing key', [['Hard_rename', 'Mem.total Mem.used']], [['Mem.used', 1016024]]],
    ['Copy inserts right after the key', [['Copy', 'Mem.total Copied']], [['Mem.total', 1016024], ['Copied', 1016024], ['Mem.used', 716672]]],
    ['Copy does nothing when the new key exists', [['Copy', 'Mem.total Mem.used']], [['Mem.total', 1016024], ['Mem.used', 716672]]],
    ['Hard_copy overwrites it', [['Hard_copy', 'Mem.total Mem.used']], [['Mem.total', 1016024], ['Mem.used', 1016024]]],
    ['Move_to_start', [['Move_to_start', 'Mem.u']], [['Mem.used', 716672], ['Mem.total', 1016024]]],
    ['Move_to_end', [['Move_to_end', 'Mem.t']], [['Mem.used', 716672], ['Mem.total', 1016024]]],
    ['a quoted value holds spaces', [['Set', 'msg "hello world"']], [['Mem.total', 1016024], ['Mem.used', 716672], ['msg', 'hello world']]],
    ['rule names are case-insensitive', [['REMOVE', 'Mem.used']], [['Mem.total', 1016024]]],
  ] as Array<[string, Array<[string, string]>, Array<[string, unknown]>]>)('%s', async (_title, properties, expected) => {
    const [out] = await run(properties, { 'Mem.total': 1016024, 'Mem.used': 716672 });
    expect(order(out)).toEqual(expected);
  });

  it.each([
    ['Key_exists', 'Key_exists Mem.used', true],
    ['Key_exists through a record accessor', "Key_exists $nested['k']", true],
    ['Key_does_not_exist', 'Key_does_not_exist nope', true],
    ['A_key_matches', 'A_key_matches ^Mem', true],
    ['No_key_matches', 'No_key_matches ^Mem', false],
    ['Key_value_equals on a string', 'Key_value_equals level error', true],
    ['Key_value_equals never equals a number', 'Key_value_equals Mem.used 716672', false],
    ['Key_value_does_not_equal is false for a missing key', 'Key_value_does_not_equal nope x', false],
    ['Key_value_matches', 'Key_value_matches level ^err', true],
    ['Key_value_does_not_match', 'Key_value_does_not_match level ^err', false],
    ['Matching_keys_have_matching_values (vacuously true)', 'Matching_keys_have_matching_values ^zzz ^x', true],
    ['Matching_keys_have_matching_values', 'Matching_keys_have_matching_values ^lev ^error$', true],
    ['Matching_keys_do_not_have_matching_values', 'Matching_keys_do_not_have_matching_values ^lev ^error$', false],
  ] as Array<[string, string, boolean]>)('Condition %s', async (_title, condition, holds) => {
    const body = { 'Mem.used': 716672, level: 'error', nested: { k: 1 } };
    const [out] = await run([['Condition', condition], ['Add', 'touched yes']], body);
    expect(out!.touched === 'yes').toBe(holds);
  });

  it('conditions are ANDed and read the record before any rule runs', async () => {
    const [out] = await run([['Condition', 'Key_exists a'], ['Condition', 'Key_does_not_exist b'], ['Rename', 'a b'], ['Add', 'c 1']], { a: 1 });
    expect(out).toEqual({ b: 1, c: '1' });
  });

  it('a value of 3 parameters runs as Fluent Bit runs it (Rename first last), with a warning', async () => {
    const { bodies, logs } = await runFilters([{ plugin: modifyFilter, properties: [['Set', 'a b zz']] }], [{ body: { a: 1 } }]);
    expect(bodies).toEqual([{ zz: 1 }]);
    expect(logs.join('')).toMatch(/has 3 parameters: Fluent Bit runs it as 'Rename a zz'/);
  });

  it('leaves an untouched record byte for byte (an integral float stays a float)', async () => {
    const { records, chunks } = await runFilters([{ plugin: modifyFilter, properties: [['Remove', 'nope']] }, { plugin: modifyFilter, properties: [['Add', 'x 1']] }], [{ body: { f: new Float64(1) } }]);
    expect(records[0]!.body).toEqual({ f: 1, x: '1' });
    expect(chunks[0]!.includes(Buffer.from([0xa1, 0x66, 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]))).toBe(true);
  });

  it.each([
    [[['Set', 'a']], /Set takes 2 parameter/],
    [[['Remove', 'a b']], /Remove takes 1 parameter/],
    [[['Set', 'a b c d']], /Invalid config for Set/],
    [[['Condition', 'Key_is_cool a']], /Invalid condition 'Key_is_cool a': the conditions are/],
    [[['Frobnicate', 'a']], /unknown property 'Frobnicate'/],
    [[['Remove_regex', '(']], /does not compile/],
  ] as Array<[Array<[string, string]>, RegExp]>)('refuses a bad configuration: %j', async (properties, message) => {
    await expect(runFilters([{ plugin: modifyFilter, properties }], [])).rejects.toThrow(message);
  });
});
