import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decode } from '@msgpack/msgpack';
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

/** Resolves with the serverPid a new connection on `path` is greeted with. */
function greetingPid(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('data', (bytes: Buffer) => {
      socket.destroy();
      resolve((decode(bytes) as [number, string, number])[2]);
    });
    socket.once('error', reject);
  });
}

describe('RpcConnectionServer socket path', () => {
  it('takes a path over from a live server, and on close leaves the successor its socket', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rpc-')), 'shared.sock');
    const first = new RpcConnectionServer(() => {}, { debug() {}, warn() {} });
    const second = new RpcConnectionServer(() => {}, { debug() {}, warn() {} });
    await first.listen(path);
    const firstInode = statSync(path).ino;
    await second.listen(path);
    expect(statSync(path).ino).not.toBe(firstInode);
    await first.close();
    expect(existsSync(path)).toBe(true);
    expect(await greetingPid(path)).toBe(process.pid); // the second still answers on the path
    await second.close();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dirname(path))).toEqual([]); // no private bind name left behind
  });

  it('accepts 2,000 connections opened at once (Node\'s default backlog of 511 refused about 490)', async () => {
    const { path } = await listen();
    const results = await Promise.allSettled(Array.from({ length: 2000 }, () => greetingPid(path)));
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused.map((result) => String((result as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
  });
});
