import { describe, expect, it } from 'vitest';
import { runFilters } from './filter-test-support.js';
import { modifyFilter } from './modify.js';
import { rewriteTagFilter } from './rewrite-tag.js';

describe('rewrite_tag (Fluent Bit documentation examples)', () => {
  it('composes the new tag from $TAG, captures and record keys, and drops the original when KEEP is false', async () => {
    const { records } = await runFilters(
      [{ plugin: rewriteTagFilter, properties: [['Rule', "$tool ^(fluent)$ from.$TAG.new.$tool.$sub['s1']['s2'].out false"]] }],
      [{ body: { tool: 'fluent', sub: { s1: { s2: 'bit' } } }, tag: 'test_tag' }, { body: { tool: 'other' }, tag: 'test_tag' }],
    );
    expect(records.map((r) => [r.tag, r.body.tool])).toEqual(
      expect.arrayContaining([['test_tag', 'other'], ['from.test_tag.new.fluent.bit.out', 'fluent']]),
    );
    expect(records).toHaveLength(2);
  });

  it('keeps the original too with KEEP true; $TAG[n], $0 and $1; the first rule that matches wins', async () => {
    const { records } = await runFilters(
      [{ plugin: rewriteTagFilter, properties: [['Rule', '$level ^(warn|error)$ $TAG[1].$1.$0 true'], ['Rule', '$level .* never false']] }],
      [{ body: { level: 'error' }, tag: 'app.web.1' }],
    );
    expect(records.map((r) => r.tag).sort()).toEqual(['app.web.1', 'web.error.error']);
  });

  it('a regex without a capture group leaves $0 empty, as in Fluent Bit', async () => {
    const { records } = await runFilters([{ plugin: rewriteTagFilter, properties: [['Rule', '$a ^x$ t.$0 false']] }], [{ body: { a: 'x' } }]);
    expect(records.map((r) => r.tag)).toEqual(['t.']);
  });

  it('re-emitted records start the pipeline again: earlier filters see them under the new tag, this one never again', async () => {
    const { records, metrics } = await runFilters(
      [
        { plugin: modifyFilter, properties: [['Add', 'seen_by_first yes']], match: 'new.*' },
        { plugin: rewriteTagFilter, properties: [['Rule', '$log . new.$TAG false']], match: '*' },
      ],
      [{ body: { log: 'a' }, tag: 'old' }],
    );
    expect(records).toEqual([expect.objectContaining({ tag: 'new.old', body: { log: 'a', seen_by_first: 'yes' } })]);
    expect(metrics[1]).toMatchObject({ records: 1, dropRecords: 1 });
  });

  it.each([
    [[['Rule', '$a ^x$ t']], /expects 4 values \(only 3 were found\)/],
    [[['Rule', '$a ^x$ t maybe']], /KEEP .* must be true or false/],
    [[['Rule', '$a ( t false']], /does not compile/],
    [[], /no Rule is set/],
    [[['Rule', '$a x t false'], ['Emitter_Storage.type', 'filesystem']], /not supported/],
  ] as Array<[Array<[string, string]>, RegExp]>)('refuses a bad configuration: %j', async (properties, message) => {
    await expect(runFilters([{ plugin: rewriteTagFilter, properties }], [])).rejects.toThrow(message);
  });
});
