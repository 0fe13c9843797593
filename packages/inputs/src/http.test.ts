import { gzipSync } from 'node:zlib';
import { startInput } from '@tributary/core/testing';
import { describe, expect, it } from 'vitest';
import { httpInput } from './http.js';
import { freePort } from './net-test-support.js';


async function start(properties: Record<string, string> = {}) {
  const port = await freePort();
  const run = await startInput(httpInput, properties, { coreProperties: { listen: '127.0.0.1', port: String(port) }, tag: 'http.in' });
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body, headers });
  const settle = async () => {
    run.engine.flush();
    await new Promise((resolve) => setTimeout(resolve, 30));
  };
  return { run, port, post, settle };
}

describe('http input', () => {
  it('POST /<tag>: an object, an array of objects, a gzip body and a form, one time per request', async () => {
    const { run, post, settle } = await start();
    await using _ = run;
    expect((await post('/app/logs', '{"a":1}')).status).toBe(201);
    expect((await post('/', '[{"b":1},{"b":2},3,{"big":9223372036854775807}]')).status).toBe(201);
    expect((await post('/z', gzipSync('{"c":"zipped"}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(201);
    expect((await post('/form', 'k=v%20w&=skip', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })).status).toBe(201);
    await settle();
    const events = run.events();
    expect(events.map((event) => [event.tag, event.body])).toEqual([
      ['app_logs', { a: 1 }],
      ['http.in', { b: 1 }],
      ['http.in', { b: 2 }],
      ['http.in', { big: 9223372036854775807n }], // int64 kept (JSON.stringify of a bigint used to fail the request)
      ['z', { c: 'zipped' }],
      ['form', { k: 'v w' }],
    ]);
    expect(events[1]!.time).toEqual(events[2]!.time);
  });

  it("answers bad requests as Fluent Bit does, and 413 past buffer_max_size", async () => {
    const { run, port, post } = await start({ buffer_max_size: '1K' });
    await using _ = run;
    const text = async (response: Response) => [response.status, await response.text()];
    expect(await text(await fetch(`http://127.0.0.1:${port}/x`))).toEqual([400, 'error: invalid HTTP method\n']);
    expect(await text(await post('/x', '{}', { 'content-type': 'text/plain' }))).toEqual([400, "error: invalid 'Content-Type'\n"]);
    expect(await text(await post('/x', ''))).toEqual([400, 'error: no payload found\n']);
    expect(await text(await post('/x', '{"a":'))).toEqual([400, 'error: unable to process records\n']);
    expect((await post('/x', `{"a":"${'x'.repeat(2000)}"}`)).status).toBe(413);
    expect(run.events()).toEqual([]);
  });

  it('tag_key, add_remote_addr, successful_response_code, success_header and /health', async () => {
    const { run, port, post, settle } = await start({ tag_key: "$meta['tag']", add_remote_addr: 'on', successful_response_code: '200', success_header: 'X-Custom yes' });
    await using _ = run;
    const response = await post('/p', '{"meta":{"tag":"from/record"},"m":1}', { 'content-type': 'application/json', 'x-forwarded-for': ' 10.0.0.1 , 10.0.0.2' });
    expect([response.status, response.headers.get('x-custom')]).toEqual([200, 'yes']);
    await settle();
    expect(run.events().map((event) => [event.tag, event.body])).toEqual([['from_record', { meta: { tag: 'from/record' }, m: 1, REMOTE_ADDR: '10.0.0.1' }]]);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(400); // not enabled
  });
});
