// Tributary's ProtoBuf:1 server running kong-pdk plugins unchanged, driven over its real socket
// by the ProtoBuf fake Kong (itself checked against go-pdk in protobuf-fake-kong.test.ts).
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPluginServer, type RunningPluginServer } from '../src/index.js';
import { ProtobufFakeKong } from '../src/testing/index.js';
import { KONG_PDK_PLUGINS } from './plugin-servers.js';

describe('ProtoBuf:1 server (kong-sidecar --protocol protobuf) with kong-pdk plugins', () => {
  let running: RunningPluginServer;
  let kong: ProtobufFakeKong;
  const logs: string[] = [];
  beforeAll(async () => {
    const log = { debug: () => {}, info: () => {}, warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(m), child: () => log } as never;
    running = await startPluginServer({ socketPath: join(mkdtempSync(join(tmpdir(), 'pb-server-')), 'plugins.sock'), plugins: { directory: KONG_PDK_PLUGINS }, protocol: 'protobuf', log });
    kong = new ProtobufFakeKong({ socketPath: running.socketPath, readTimeoutMs: 10_000 });
  }, 60_000);
  afterAll(async () => {
    await kong?.close();
    await running?.close();
  });

  const access = (scenario: string, answers: Record<string, unknown> = {}, config: Record<string, unknown> = {}) =>
    kong.runRequest({ plugin: 'conformance', config: { scenario, ...config }, phases: ['access'], answers });

  it('answers PDK calls one at a time on the event connection and ends with the end marker and the RpcReturn', async () => {
    const run = await access('calls', { 'kong.request.get_header': 'example.org', 'kong.request.get_path': '/hello' });
    expect(run.errors).toEqual([]);
    expect(run.phases[0]!.calls.map((call) => [call.method, call.args])).toEqual([
      ['kong.request.get_header', ['host']],
      ['kong.request.get_path', []],
      ['kong.response.set_header', ['x-echo', 'example.org/hello']],
    ]);
    expect(kong.violations).toEqual([]);
  });

  it('gives a plugin headers as lists, as MsgPack:1 does, and serialises calls a handler makes at once', async () => {
    const multimap = await access('multimap', { 'kong.request.get_headers': { host: 'h', 'x-multi': ['a', 'b'] } });
    expect(multimap.phases[0]!.calls.at(-1)!.args).toEqual(['x-multimap', JSON.stringify({ host: ['h'], 'x-multi': ['a', 'b'] })]);
    const parallel = await access('parallel', { 'kong.request.get_header': (name: string) => name.toUpperCase() });
    expect(parallel.phases[0]!.calls.map((call) => call.args)).toEqual([['a'], ['b'], ['x-ab', 'A+B']]);
  });

  it('sends kong.response.exit and nothing after it, and leaves the connection as Kong does', async () => {
    const run = await access('exit');
    expect(run.phases[0]!.exit?.args).toEqual([403, Buffer.from('denied'), { 'x-reason': ['test'] }]);
    expect(run.phases[0]!.calls.map((call) => call.method)).toEqual(['kong.response.exit']);
    expect((await access('calls', { 'kong.request.get_header': 'h', 'kong.request.get_path': '/' })).errors).toEqual([]);
  });

  it('ends the event of a handler that throws normally, logging it, and reads the instance config Kong sent', async () => {
    const thrown = await access('throws', { 'kong.request.get_path': '/' });
    expect(thrown.errors).toEqual([]);
    expect(logs.join('\n')).toContain('plugin bug');
    const config = await access('config', {}, { message: 'hi' });
    expect(config.phases[0]!.calls[0]!.args).toEqual(['x-config', '"hi"']);
  });

  it('closes the connection for an unknown instance (Kong then restarts it) and for bytes that are not frames, serving on', async () => {
    await expect(kong.runPhase(424_242, 'access')).rejects.toThrow('closed');
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(running.socketPath, () => socket.write(Buffer.from('ffffffff00', 'hex')));
      socket.on('close', () => resolve(true));
      socket.on('error', () => {});
    });
    expect(closed).toBe(true);
    expect(logs.join('\n')).toMatch(/closing a ProtoBuf:1 connection: no plugin instance 424242/i);
    expect(logs.join('\n')).toMatch(/closing a ProtoBuf:1 connection: a frame of 4294967295 bytes is announced/);
    expect((await access('calls', { 'kong.request.get_header': 'h', 'kong.request.get_path': '/' })).errors).toEqual([]);
  });

  it('runs a TypeScript kong-pdk plugin as well', async () => {
    const run = await kong.runRequest({ plugin: 'ts-hello', config: { message: 'pb' }, phases: ['access'], answers: { 'kong.request.get_header': 'example.org' } });
    expect(run.phases[0]!.calls.at(-1)!.args).toEqual(['x-hello-ts', 'hello pb from example.org']);
  });
});

describe('ProtoBuf:1 server: bad input from Kong', () => {
  it('closes a connection whose RpcCall does not decode or carries no call, and only that one', async () => {
    const logs: string[] = [];
    const log = { debug: () => {}, info: () => {}, warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(m), child: () => log } as never;
    await using running = await startPluginServer({ socketPath: join(mkdtempSync(join(tmpdir(), 'pb-bad-')), 'plugins.sock'), plugins: { directory: KONG_PDK_PLUGINS }, protocol: 'protobuf', log });
    const send = (bytes: Buffer) =>
      new Promise<string>((resolve) => {
        const socket = connect(running.socketPath, () => socket.write(bytes));
        let got = '';
        socket.on('data', (chunk) => (got += chunk.toString('hex')));
        socket.on('close', () => resolve(got));
        socket.on('error', () => {});
      });
    // A truncated message (a length-delimited field longer than the frame), and an empty RpcCall.
    expect(await send(Buffer.from('030000008a0228', 'hex'))).toBe('');
    expect(await send(Buffer.from('00000000', 'hex'))).toBe('');
    expect(logs.join('\n')).toMatch(/closing a ProtoBuf:1 connection: an RpcCall that does not decode/);
    expect(logs.join('\n')).toMatch(/closing a ProtoBuf:1 connection: an RpcCall with no call set/);
    await using kong = new ProtobufFakeKong({ socketPath: running.socketPath });
    const run = await kong.runRequest({ plugin: 'conformance', config: { scenario: 'calls' }, phases: ['access'], answers: { 'kong.request.get_header': 'h', 'kong.request.get_path': '/' } });
    expect(run.errors).toEqual([]);
  });
});
