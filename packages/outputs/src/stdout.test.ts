import { createLogger } from '@tributary/base';
import { createMetrics, Engine, writeEvent, type OutputInstance } from '@tributary/core';
import { EventTime, Float64, MsgpackWriter } from '@tributary/msgpack';
import { describe, expect, it } from 'vitest';
import { createStdoutOutput } from './stdout.js';

async function render(properties: Record<string, string>, records: Array<[EventTime, Record<string, unknown>, Record<string, unknown>?]>) {
  let text = '';
  const plugin = createStdoutOutput({ write: (chunk, done) => { text += chunk; done(); } });
  const instance = (await plugin.init({
    config: Object.fromEntries(
      Object.entries({ format: 'msgpack', json_date_key: 'date', json_date_format: 'double', ...properties }),
    ) as never,
    properties: [],
    name: 'stdout.0',
    metrics: createMetrics('stdout.0'),
    log: createLogger({ level: 'off' }),
    workers: 1,
    net: undefined,
  })) as OutputInstance;
  const writer = new MsgpackWriter();
  for (const [time, body, metadata] of records) writeEvent(writer, 'v2', time.sec, time.nsec, body as never, metadata as never);
  expect(await instance.flush({ data: writer.bytes(), tag: 'dummy.0', records: records.length })).toBe('ok');
  return text;
}

const T = new EventTime(1700000000, 12345);

describe('stdout output', () => {
  it('prints Fluent Bit\'s default (msgpack) format', async () => {
    const text = await render({}, [
      [T, { message: 'dummy' }],
      [T, { f: new Float64(1), n: -3, b: true, z: null, a: [1, 'x'], m: { k: 'v' }, bin: new Uint8Array([0x41, 0x00, 0x22]) }, { meta: 1 }],
    ]);
    expect(text).toBe(
      '[0] dummy.0: [[1700000000.000012345, {}], {"message"=>"dummy"}]\n' +
        '[1] dummy.0: [[1700000000.000012345, {"meta"=>1}], {"f"=>1.000000, "n"=>-3, "b"=>true, "z"=>nil, "a"=>[1, "x"], "m"=>{"k"=>"v"}, "bin"=>"A\\x00\\""}]\n',
    );
  });

  it('prints json_lines with the date key first', async () => {
    const text = await render({ format: 'json_lines' }, [
      [new EventTime(1700000000, 500000000), { message: 'dummy', f: new Float64(2), g: 0.25, s: 'é\n"' }],
      [T, {}],
    ]);
    expect(text).toBe(
      '{"date":1700000000.5,"message":"dummy","f":2.0,"g":0.25,"s":"\\u00e9\\n\\""}\n' + '{"date":1700000000.000012}\n',
    );
  });

  it('supports json_date_key and the iso8601 and epoch date formats', async () => {
    expect(await render({ format: 'json_lines', json_date_key: 'ts', json_date_format: 'iso8601' }, [[T, { a: 1 }]])).toBe(
      '{"ts":"2023-11-14T22:13:20.000012Z","a":1}\n',
    );
    expect(await render({ format: 'json_lines', json_date_format: 'epoch' }, [[T, { a: 1 }]])).toBe('{"date":1700000000,"a":1}\n');
  });

  it('rejects an unknown format with the choices', async () => {
    await expect(render({ format: 'yaml' }, [])).rejects.toThrow("stdout.0: unknown format 'yaml'. Use one of: msgpack, json, json_lines, json_stream.");
  });

  it('validates its properties through the engine', () => {
    expect(
      () =>
        new Engine({
          logger: createLogger({ level: 'off' }),
          inputs: [],
          outputs: [{ plugin: createStdoutOutput(), properties: [{ key: 'colour', value: 'red' }] }],
        }),
    ).toThrow("unknown property 'colour' for stdout.0. The allowed properties are: format, json_date_format, json_date_key.");
  });
});
