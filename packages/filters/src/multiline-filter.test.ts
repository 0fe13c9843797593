import { describe, expect, it } from 'vitest';
import { runFilters } from './filter-test-support.js';
import { multilineFilter } from './multiline-filter.js';

const lines = [
  'single line',
  'Exception in thread "main" java.lang.IllegalStateException: boom',
  '    at com.example.App.run(App.java:10)',
  '    at com.example.App.main(App.java:3)',
  'another line',
];
const records = lines.map((log, i) => ({ body: { log, stream: 'stdout', n: i }, sec: 1_700_000_000 + i }));

describe('multiline filter (the same engine as tail)', () => {
  it('joins the key content of records appended one by one, keeping the first record\'s keys, and re-emits them under their tag', async () => {
    const { records: out, metrics } = await runFilters(
      [{ plugin: multilineFilter, properties: [['multiline.parser', 'java'], ['multiline.key_content', 'log']] }],
      records,
    );
    expect(out.map((r) => [r.tag, r.body])).toEqual([
      ['test', { log: 'single line', stream: 'stdout', n: 0 }],
      ['test', { log: `${lines[1]}\n${lines[2]}\n${lines[3]}`, stream: 'stdout', n: 1 }],
      ['test', { log: 'another line', stream: 'stdout', n: 4 }],
    ]);
    expect(out[1]!.sec).toBe(1_700_000_001);
    expect(metrics[0]).toMatchObject({ records: 5, dropRecords: 5 });
  });

  it('emits a message still pending at shutdown before the inputs stop', async () => {
    const { bodies } = await runFilters([{ plugin: multilineFilter, properties: [['multiline.parser', 'java'], ['multiline.key_content', 'log']] }], records.slice(1, 4));
    expect(bodies.map((b) => b.log)).toEqual([`${lines[1]}\n${lines[2]}\n${lines[3]}`]);
  });

  it('with buffer off, a message comes out in the call that completes it', async () => {
    const { bodies } = await runFilters(
      [{ plugin: multilineFilter, properties: [['multiline.parser', 'java'], ['multiline.key_content', 'log'], ['buffer', 'off']] }],
      records,
    );
    expect(bodies.map((b) => b.log)).toEqual(['single line', `${lines[1]}\n${lines[2]}\n${lines[3]}`, 'another line']);
  });

  it('refuses a missing parser or key, an unknown parser, and partial_message mode', async () => {
    await expect(runFilters([{ plugin: multilineFilter, properties: [['multiline.key_content', 'log']] }], [])).rejects.toThrow(/multiline.parser is required/);
    await expect(runFilters([{ plugin: multilineFilter, properties: [['multiline.parser', 'go']] }], [])).rejects.toThrow(/multiline.key_content is required/);
    await expect(runFilters([{ plugin: multilineFilter, properties: [['multiline.parser', 'cobol'], ['multiline.key_content', 'log']] }], [])).rejects.toThrow(/cobol/);
    await expect(runFilters([{ plugin: multilineFilter, properties: [['multiline.parser', 'go'], ['multiline.key_content', 'log'], ['mode', 'partial_message']] }], [])).rejects.toThrow(/not supported by Tributary yet/);
  });
});
