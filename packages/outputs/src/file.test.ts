import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { Engine, type Property } from '@tributary/core';
import { manualInput } from '@tributary/core/testing';
import { Float64 } from '@tributary/msgpack';
import { describe, expect, it } from 'vitest';
import { fileOutput, sanitizeTag } from './file.js';

const T = 1_700_000_000;
const records: Array<[number, number, Record<string, unknown>]> = [
  [T, 123_456_789, { message: 'hello', n: 1, f: new Float64(1.5), nested: { a: [true, null] } }],
  [T + 1, 5, { message: 'wörld "q"', n: 2, f: new Float64(2), nested: {} }],
];

/** Runs `records` into a file output with these properties in a temporary directory; returns the directory and the logs. */
async function run(properties: Array<[string, string]>, tag = 'app.log', dir = mkdtempSync(join(tmpdir(), 'tributary-file-'))) {
  const input = manualInput();
  const logs: string[] = [];
  const engine = new Engine({
    inputs: [{ plugin: input.plugin, tag }],
    outputs: [{ plugin: fileOutput, match: '*', properties: [['path', dir], ...properties].map(([key, value]): Property => ({ key: key!, value: value! })) }],
    grace: 2,
    logger: createLogger({ level: 'warn', sink: { write: (line) => void logs.push(line) } }),
  });
  await engine.start();
  for (const [sec, nsec, body] of records) input.appendAt(sec, nsec, body as never);
  await engine.stop();
  return { dir, logs: logs.join('') };
}

describe('file output (Fluent Bit out_file formats, byte for byte)', () => {
  it('out_file (the default): TAG: [SEC.NSEC9, JSON], to a file named after the tag', async () => {
    const { dir } = await run([]);
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toBe(
      'app.log: [1700000000.123456789, {"message":"hello","n":1,"f":1.5,"nested":{"a":[true,null]}}]\n' +
        'app.log: [1700000001.000000005, {"message":"w\\u00f6rld \\"q\\"","n":2,"f":2.0,"nested":{}}]\n',
    );
  });

  it('plain: the body as JSON', async () => {
    const { dir } = await run([['format', 'plain'], ['file', 'out.txt']]);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('{"message":"hello","n":1,"f":1.5,"nested":{"a":[true,null]}}\n{"message":"w\\u00f6rld \\"q\\"","n":2,"f":2.0,"nested":{}}\n');
  });

  it('csv with csv_column_names: a header when the file is empty, values as msgpack-c prints them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-file-'));
    await run([['format', 'csv'], ['csv_column_names', 'on'], ['file', 'out.csv']], 'app.log', dir);
    const first = 'timestamp,"message","n","f","nested"\n1700000000.123456789,"hello",1,1.500000,{"a"=>[true, nil]}\n1700000001.000000005,"wörld "q"",2,2.000000,{}\n';
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe(first);
    // A second run appends, without a second header.
    await run([['format', 'csv'], ['csv_column_names', 'on'], ['file', 'out.csv'], ['delimiter', 'tab']], 'app.log', dir);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe(`${first}1700000000.123456789\t"hello"\t1\t1.500000\t{"a"=>[true, nil]}\n1700000001.000000005\t"wörld "q""\t2\t2.000000\t{}\n`);
  });

  it('ltsv: "time" and quoted keys, tab and colon by default', async () => {
    const { dir } = await run([['format', 'ltsv'], ['file', 'out.ltsv']]);
    expect(readFileSync(join(dir, 'out.ltsv'), 'utf8').split('\n')[0]).toBe('"time":1700000000.123457\t"message":"hello"\t"n":1\t"f":1.500000\t"nested":{"a"=>[true, nil]}');
  });

  it('template: {key} and {time}, an unknown placeholder kept, an unclosed brace as text', async () => {
    const { dir } = await run([['format', 'template'], ['file', 'out.tpl'], ['template', '{time} {message} n={n} {missing} {nested} {open']]);
    expect(readFileSync(join(dir, 'out.tpl'), 'utf8')).toBe(
      '1700000000.123457 hello n=1 {missing} {"a"=>[true, nil]} {open\n1700000001.000000 wörld "q" n=2 {missing} {} {open\n',
    );
  });

  it('msgpack: the chunk as it is, in Fluent Bit\'s event format', async () => {
    const { dir } = await run([['format', 'msgpack'], ['file', 'out.msgpack']]);
    const bytes = readFileSync(join(dir, 'out.msgpack'));
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x92, 0x92, 0xd7, 0x00]));
  });

  it('sanitizes the tag into a file name as sanitize_tag_name does', () => {
    expect(sanitizeTag('kube.var.log/containers/a b.log')).toBe('kube.var.log/containers/a_b.log');
    expect(sanitizeTag('../../etc/passwd')).toBe('_/_/etc/passwd');
    expect(sanitizeTag('é')).toBe('__');
    expect(sanitizeTag('//')).toBe('_');
  });

  it('creates the directory with Mkdir, and drops the chunk with an error naming the file without it', async () => {
    const base = mkdtempSync(join(tmpdir(), 'tributary-file-'));
    await run([['mkdir', 'on']], 'x', join(base, 'a', 'b'));
    expect(readFileSync(join(base, 'a', 'b', 'x'), 'utf8')).toMatch(/^x: \[1700000000\.123456789, /);
    const { logs } = await run([], 'x', join(base, 'missing'));
    expect(logs).toContain(`error opening: ${join(base, 'missing', 'x')}`);
  });

  it('refuses an unknown format and a dynamic path, and warns on rotate', async () => {
    await expect(run([['format', 'yaml']])).rejects.toThrow(/unknown format yaml/);
    await expect(run([['file', '$TAG.log']])).rejects.toThrow(/dynamic file names are not supported/);
    const dir = mkdtempSync(join(tmpdir(), 'tributary-file-'));
    writeFileSync(join(dir, 'keep'), '');
    expect((await run([['rotate', 'on']], 'app.log', dir)).logs).toMatch(/'rotate' of file\.0 has no effect: files are not rotated/);
  });
});
