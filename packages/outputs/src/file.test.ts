import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tributary/base';
import { Engine, type Property } from '@tributary/core';
import { manualInput } from '@tributary/core/testing';
import { Float64 } from '@tributary/msgpack';
import { afterEach, describe, expect, it } from 'vitest';
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

  it('refuses an unknown format, a dynamic destination without fallback_file, a path starting with an accessor, an unknown action', async () => {
    await expect(run([['format', 'yaml']])).rejects.toThrow(/unknown format yaml/);
    await expect(run([['file', '$TAG.log']])).rejects.toThrow(/fallback_file is required when path or file is dynamic/);
    await expect(run([['file', 'x'], ['on_missing_field', 'skip']])).rejects.toThrow("invalid on_missing_field value 'skip', expected error, drop or fallback.");
    const input = manualInput();
    const engine = new Engine({ inputs: [{ plugin: input.plugin }], outputs: [{ plugin: fileOutput, match: '*', properties: [{ key: 'path', value: '$dir/x' }, { key: 'fallback_file', value: 'f' }] }] });
    await expect(engine.start()).rejects.toThrow(/dynamic 'path' must include a static prefix before record accessors/);
  });
});

describe('file output: dynamic destinations and rotation (Fluent Bit 5.x)', () => {
  const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
  const at = (body: Record<string, unknown>, sec = T): [number, number, Record<string, unknown>] => [sec, 0, body];

  async function runWith(list: Array<[number, number, Record<string, unknown>]>, properties: Array<[string, string]>, dir = mkdtempSync(join(tmpdir(), 'tributary-file-'))) {
    records.splice(0, records.length, ...list);
    return run([['format', 'plain'], ...properties], 'app.log', dir);
  }
  const saved = [...records];
  afterEach(() => void records.splice(0, records.length, ...saved));

  it('writes each record to the file its accessors name; a missing key or an unsafe name falls back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-file-'));
    const { logs } = await runWith(
      [at({ app: 'web', n: 1 }), at({ app: 'db', n: 2 }), at({ n: 3 }), at({ app: '../etc', n: 4 }), at({ app: 'web', n: 5 })],
      [['file', '$app.log'], ['on_missing_field', 'fallback'], ['fallback_path', dir], ['fallback_file', 'other.log']],
      dir,
    );
    expect(lines(dir, 'web.log')).toBe('{"app":"web","n":1}\n{"app":"web","n":5}\n');
    expect(lines(dir, 'db.log')).toBe('{"app":"db","n":2}\n');
    expect(lines(dir, 'other.log')).toBe('{"n":3}\n{"app":"../etc","n":4}\n');
    expect(existsSync(join(dir, '..', 'etc.log'))).toBe(false);
    expect(logs).toBe('');
  });

  it('enable_strftime: % conversions of the record time (UTC) in path and file, with $TAG', async () => {
    const { dir } = await runWith([at({ n: 1 }), at({ n: 2 }, T + 86_400)], [['file', '$TAG.%Y-%m-%d'], ['enable_strftime', 'on'], ['fallback_file', 'f'], ['mkdir', 'on']]);
    expect(lines(dir, 'app.log.2023-11-14')).toBe('{"n":1}\n');
    expect(lines(dir, 'app.log.2023-11-15')).toBe('{"n":2}\n');
    const literal = await runWith([at({ n: 1 })], [['file', '100%.log']]);
    expect(lines(literal.dir, '100%.log')).toBe('{"n":1}\n'); // without enable_strftime a % is a %
  });

  it('max_dynamic_files: past the limit on_limit_reached drops (said), and the default error fails the chunk after what came before', async () => {
    const list = [at({ app: 'a', n: 1 }), at({ app: 'b', n: 2 }), at({ app: 'a', n: 3 })];
    const dropped = await runWith(list, [['file', '$app'], ['fallback_file', 'f'], ['max_dynamic_files', '1'], ['on_limit_reached', 'drop']]);
    expect(lines(dropped.dir, 'a')).toBe('{"app":"a","n":1}\n{"app":"a","n":3}\n');
    expect(existsSync(join(dropped.dir, 'b'))).toBe(false);
    expect(dropped.logs).toContain('dropping record: max_dynamic_files limit reached');
    const failed = await runWith(list, [['file', '$app'], ['fallback_file', 'f'], ['max_dynamic_files', '1']]);
    expect(lines(failed.dir, 'a')).toBe('{"app":"a","n":1}\n');
    expect(failed.logs).toContain('max_dynamic_files limit reached');
    expect(failed.logs).toMatch(/failed and is dropped/);
  });

  it('rotate: a file past rotate_max_size is renamed with a time suffix and gzipped before the next write; rotate_max_files are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-file-'));
    const rotated = () => readdirSync(dir).filter((name) => name !== 'out.log').sort();
    for (let i = 0; i < 4; i++) {
      await runWith([at({ run: i })], [['file', 'out.log'], ['rotate', 'on'], ['rotate_max_size', '10'], ['rotate_max_files', '2']], dir);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // mtimes a second apart: the oldest goes first
    }
    expect(lines(dir, 'out.log')).toBe('{"run":3}\n');
    expect(rotated()).toHaveLength(2);
    for (const name of rotated()) expect(name).toMatch(/^out\.log\.\d{8}_\d{6}_[0-9a-f]{8}\.gz$/);
    expect(rotated().map((name) => gunzipSync(readFileSync(join(dir, name))).toString()).sort()).toEqual(['{"run":1}\n', '{"run":2}\n']);
  }, 15_000);

  it('rotate with a dynamic file: each file rotates on its own, mid-chunk when a record finds it full; rotate_gzip off keeps it plain', async () => {
    const { dir } = await runWith(
      [at({ app: 'a', pad: 'x'.repeat(20) }), at({ app: 'b', n: 1 }), at({ app: 'a', n: 2 })],
      [['file', '$app'], ['fallback_file', 'f'], ['rotate', 'on'], ['rotate_max_size', '20'], ['rotate_gzip', 'off']],
    );
    expect(lines(dir, 'a')).toBe('{"app":"a","n":2}\n');
    const [old] = readdirSync(dir).filter((name) => name.startsWith('a.'));
    expect(lines(dir, old!)).toBe(`{"app":"a","pad":"${'x'.repeat(20)}"}\n`);
    expect(lines(dir, 'b')).toBe('{"app":"b","n":1}\n');
  });
});
