import { describe, expect, it } from 'vitest';
import { compileRecordAccessor } from './record-accessor.js';

describe('compileRecordAccessor', () => {
  const record = { tag: 'a.b', kubernetes: { labels: { app: 'web' } }, list: [{ x: 1 }] };
  it.each([
    ['$tag', 'a.b'],
    ['tag', 'a.b'],
    ["$kubernetes['labels']['app']", 'web'],
    ['$kubernetes["labels"]["app"]', 'web'],
    ['$list[0]', { x: 1 }],
    ["$list[0]['x']", 1],
    ['$missing', undefined],
    ["$tag['x']", undefined],
  ])('%s', (pattern, value) => {
    expect(compileRecordAccessor(pattern).get(record)).toEqual(value);
  });

  it('refuses what is not one key path', () => {
    expect(() => compileRecordAccessor("$a['b'")).toThrow("'$a['b'' is not a record accessor");
    expect(() => compileRecordAccessor('$')).toThrow("'$' is not a record accessor: write $key or $key['sub'][0].");
  });
});
