import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcConnectionServer } from './rpc-connection-server.js';
import { FakeKong } from './testing/index.js';

const servers: RpcConnectionServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function listen(maxMessageBytes?: number) {
  const warnings: string[] = [];
  const server = new RpcConnectionServer(
    (method, params, respond) => (method === 'plugin.Echo' ? respond(null, params[0]) : respond(`unknown ${method}`)),
    { debug() {}, warn: (message) => warnings.push(message) },
    maxMessageBytes,
  );
  servers.push(server);
  const path = join(mkdtempSync(join(tmpdir(), 'rpc-')), 'rpc.sock');
  await server.listen(path);
  return { path, warnings };
}

function closed(path: string, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(path, () => socket.write(bytes));
    socket.on('data', () => {});
    socket.on('close', () => resolve());
    socket.on('error', () => {});
  });
}

describe('RpcConnectionServer', () => {
  it('answers with the exact msgid, the result, or a string error', async () => {
    const { path } = await listen();
    await using kong = new FakeKong({ socketPath: path });
    await expect(kong.call('plugin.Echo', { a: [1, 'b'] })).resolves.toEqual({ a: [1, 'b'] });
    await expect(kong.call('plugin.Other', 1)).rejects.toThrow('unknown plugin.Other');
    expect(kong.serverPids).toEqual([process.pid]);
    expect(kong.violations).toEqual([]);
  });

  it('closes a connection that sends bytes that are not msgpack', async () => {
    const { path, warnings } = await listen();
    await closed(path, Buffer.of(0xc1));
    expect(warnings).toEqual(['closing a connection that sent bytes that are not msgpack: invalid msgpack type byte 0xc1']);
  });

  it('closes a connection whose message would grow past the limit', async () => {
    const { path, warnings } = await listen(1024);
    const header = Buffer.of(0xdb, 0x00, 0x10, 0x00, 0x00); // str32 of 1 MiB
    await closed(path, Buffer.concat([header, Buffer.alloc(2048, 0x61)]));
    expect(warnings).toEqual(['closing a connection whose message exceeds 1024 bytes']);
  });
});
