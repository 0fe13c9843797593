import { describe, expect, it } from 'vitest';
import { runFilters } from './filter-test-support.js';
import { recordModifierFilter } from './record-modifier.js';

const run = async (properties: Array<[string, string]>, body: Record<string, unknown>) => runFilters([{ plugin: recordModifierFilter, properties }], [{ body }]);

describe('record_modifier (Fluent Bit documentation examples)', () => {
  const mem = { 'Mem.total': 1016024, 'Mem.used': 716672, 'Mem.free': 299352, 'Swap.total': 2064380, 'Swap.used': 32656, 'Swap.free': 2031724 };

  it('Record appends keys after the original ones, in config order', async () => {
    const { bodies } = await run([['Record', 'hostname my-host'], ['Record', 'product Awesome_Tool']], { log: 'x' });
    expect(Object.entries(bodies[0]!)).toEqual([['log', 'x'], ['hostname', 'my-host'], ['product', 'Awesome_Tool']]);
  });

  it('Remove_key and Allowlist_key are case-insensitive, a trailing * a prefix', async () => {
    expect((await run([['Remove_key', 'swap.*']], mem)).bodies[0]).toEqual({ 'Mem.total': 1016024, 'Mem.used': 716672, 'Mem.free': 299352 });
    expect((await run([['Allowlist_key', 'MEM.TOTAL'], ['Whitelist_key', 'Swap.free']], mem)).bodies[0]).toEqual({ 'Mem.total': 1016024, 'Swap.free': 2031724 });
  });

  it('UUID_key adds a random UUID v4 per record', async () => {
    const { bodies } = await runFilters([{ plugin: recordModifierFilter, properties: [['UUID_key', 'id']] }], [{ body: { a: 1 } }, { body: { a: 2 } }]);
    expect(bodies[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bodies[0]!.id).not.toBe(bodies[1]!.id);
  });

  it('a record left with no key is dropped', async () => {
    expect((await run([['Remove_key', 'a']], { a: 1 })).bodies).toEqual([]);
  });

  it('a Record value with spaces must be quoted: unquoted, the entry is skipped with an error, as in Fluent Bit', async () => {
    const { bodies, logs } = await run([['Record', 'msg a b'], ['Record', 'ok "a b"']], { log: 'x' });
    expect(bodies[0]).toEqual({ log: 'x', ok: 'a b' });
    expect(logs.join('')).toMatch(/invalid record parameters, expects 'KEY VALUE'/);
  });

  it('refuses Remove_key with Allowlist_key', async () => {
    await expect(run([['Remove_key', 'a'], ['Allowlist_key', 'b']], {})).rejects.toThrow(/exclusive/);
  });
});
