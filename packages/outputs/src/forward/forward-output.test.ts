import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeMulti } from '@msgpack/msgpack';
import { createLogger } from '@tributary/base';
import { Engine, type Property } from '@tributary/core';
import { manualInput, startInput } from '@tributary/core/testing';
import { forwardInput } from '@tributary/inputs';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardOutput } from './forward-output.js';

const props = (pairs: Record<string, string>) => Object.entries(pairs).map(([key, value]): Property => ({ key, value }));
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Our own forward input on a free loopback port, as an aggregator: what it received. */
async function aggregator(properties: Record<string, string> = {}) {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const run = await startInput(forwardInput, properties, { coreProperties: { listen: '127.0.0.1', port: String(port) } });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await run.engine.stop();
  };
  cleanup.push(stop);
  return { port, run, stop, received: () => (run.engine.flush(), run.events()) };
}

/** Our forward input again on `port` (a restarted aggregator). */
async function aggregatorOn(port: number) {
  const run = await startInput(forwardInput, {}, { coreProperties: { listen: '127.0.0.1', port: String(port) } });
  cleanup.push(() => run.engine.stop());
  return { port, run, stop: () => run.engine.stop(), received: () => (run.engine.flush(), run.events()) };
}

/** A sender: manual input → forward output with these properties. */
async function sender(properties: Record<string, string>, core: Record<string, string>) {
  const input = manualInput();
  const logs: string[] = [];
  const engine = new Engine({
    inputs: [{ plugin: input.plugin, tag: 'app.web' }],
    outputs: [{ plugin: forwardOutput, match: '*', retryLimit: -1, properties: props(properties), coreProperties: props(core) }],
    grace: 1,
    flush: 0.05,
    backoff: { base: 0.05, cap: 0.1 },
    random: () => 0,
    logger: createLogger({ level: 'warn', sink: { write: (line) => void logs.push(line) } }),
  });
  await engine.start();
  cleanup.push(() => engine.stop());
  return { input, engine, logs };
}

async function until(check: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A bare TCP peer that keeps every byte it gets and answers acks: to check the exact frames. */
async function rawPeer() {
  const frames: unknown[] = [];
  const bytes: Buffer[] = [];
  const server: Server = createServer((socket: Socket) => {
    socket.on('data', (data) => {
      bytes.push(data);
      try {
        for (const frame of decodeMulti(Buffer.concat(bytes))) {
          frames.push(frame);
          const options = (frame as unknown[])[2] as { chunk?: string } | undefined;
          if (options?.chunk) socket.write(Buffer.from([0x81, 0xa3, 0x61, 0x63, 0x6b, 0xa0 | options.chunk.length, ...Buffer.from(options.chunk)]));
        }
        bytes.length = 0;
      } catch {
        // wait for the rest of the frame
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as AddressInfo).port, frames };
}

describe('forward output → a forward peer on loopback', () => {
  it('Forward mode with acks into our own forward input: records, tag and time arrive exactly', async () => {
    const peer = await aggregator();
    const { input } = await sender({ require_ack_response: 'on' }, { host: '127.0.0.1', port: String(peer.port) });
    input.appendAt(1_700_000_000, 123_456_789, { n: 1 });
    input.appendAt(1_700_000_001, 5, { n: 2 });
    await until(() => peer.received().length === 2);
    expect(peer.received().map((e) => [e.tag, e.time.sec, e.time.nsec, e.body])).toEqual([
      ['app.web', 1_700_000_000, 123_456_789, { n: 1 }],
      ['app.web', 1_700_000_001, 5, { n: 2 }],
    ]);
  });

  it('writes Fluent Bit\'s frames: [tag, [entries], options] with chunk, size and fluent_signal; gzip as CompressedPackedForward; Time_as_Integer', async () => {
    const peer = await rawPeer();
    const plain = await sender({ require_ack_response: 'on', add_option: 'k v', retain_metadata_in_forward_mode: 'off' }, { port: String(peer.port) });
    plain.input.appendAt(1_700_000_000, 1, { a: 1 });
    await until(() => peer.frames.length === 1);
    const [tag, entries, options] = peer.frames[0] as [string, unknown[], Record<string, unknown>];
    expect(tag).toBe('app.web');
    expect(entries).toEqual([[expect.objectContaining({ type: 0 }), { a: 1 }]]);
    expect(Object.keys(options)).toEqual(['chunk', 'size', 'fluent_signal', 'k']);
    expect(options).toMatchObject({ size: 1, fluent_signal: 0, k: 'v' });

    const zipped = await sender({ compress: 'gzip', tag: 'fwd.$TAG[1]' }, { port: String(peer.port) });
    zipped.input.appendAt(1_700_000_000, 1, { b: 2 });
    await until(() => peer.frames.length === 2);
    const [zipTag, bin, zipOptions] = peer.frames[1] as [string, Uint8Array, Record<string, unknown>];
    expect(zipTag).toBe('fwd.web');
    expect(zipOptions).toEqual({ size: 1, compressed: 'gzip', fluent_signal: 0 });
    expect([...decodeMulti(gunzipSync(bin))]).toEqual([[[expect.objectContaining({ type: 0 }), {}], { b: 2 }]]);

    const compat = await sender({ time_as_integer: 'on' }, { port: String(peer.port) });
    compat.input.appendAt(1_700_000_000, 999, { c: 3 });
    await until(() => peer.frames.length === 3);
    expect(peer.frames[2]).toEqual(['app.web', [[1_700_000_000, { c: 3 }]]]);
  });

  it('Message mode: a Tag made from record keys sends each record under its own tag, each acked', async () => {
    const peer = await aggregator();
    const { input } = await sender({ tag: "logs.$app.$TAG[1]", require_ack_response: 'on' }, { port: String(peer.port) });
    input.appendAt(1_700_000_000, 1, { app: 'billing', n: 1 });
    input.appendAt(1_700_000_000, 2, { app: 'search', n: 2 });
    input.appendAt(1_700_000_000, 3, { n: 3 });
    await until(() => peer.received().length === 3);
    expect(peer.received().map((e) => [e.tag, e.time.nsec, e.body.n]).sort()).toEqual([
      ['logs..web', 3, 3],
      ['logs.billing.web', 1, 1],
      ['logs.search.web', 2, 2],
    ]);
    const raw = await rawPeer();
    const plain = await sender({ tag: '$app' }, { port: String(raw.port) });
    plain.input.appendAt(1_700_000_000, 1, { app: 'x' }, { k: 'v' });
    await until(() => raw.frames.length === 1);
    expect(raw.frames[0]).toEqual(['x', expect.objectContaining({ type: 0 }), { app: 'x' }, { fluent_signal: 0, metadata: { k: 'v' } }]);
  });

  it('runs the shared-key handshake with our input, and retries (never delivers) with a wrong key', async () => {
    const peer = await aggregator({ shared_key: 'secret', self_hostname: 'collector' });
    const good = await sender({ shared_key: 'secret', self_hostname: 'edge', require_ack_response: 'on' }, { port: String(peer.port) });
    good.input.appendAt(1_700_000_000, 0, { ok: true });
    await until(() => peer.received().length === 1);
    const bad = await sender({ shared_key: 'wrong', require_ack_response: 'on' }, { port: String(peer.port) });
    bad.input.appendAt(1_700_000_000, 0, { ok: false });
    await until(() => bad.engine.metrics().outputs[0]!.retries >= 1);
    expect(peer.received().map((e) => e.body)).toEqual([{ ok: true }]);
    expect(bad.logs.join('')).toMatch(/the chunk will be retried/);
  });

  it('Upstream: round-robin over the nodes; with one node killed mid-run every record still arrives, at least once', async () => {
    const a = await aggregator();
    const b = await aggregator();
    const dir = mkdtempSync(join(tmpdir(), 'tributary-upstream-'));
    writeFileSync(
      join(dir, 'upstream.conf'),
      `[UPSTREAM]\n    name  aggregators\n\n[NODE]\n    name  a\n    host  127.0.0.1\n    port  ${a.port}\n    require_ack_response on\n\n[NODE]\n    name  b\n    host  127.0.0.1\n    port  ${b.port}\n    require_ack_response on\n`,
    );
    const { input, engine } = await sender({ upstream: join(dir, 'upstream.conf') }, {});
    const sent = 40;
    for (let n = 0; n < sent; n++) {
      input.appendAt(1_700_000_000 + n, 0, { n });
      engine.flush();
      await new Promise((resolve) => setTimeout(resolve, 15));
      if (n === 15) await b.stop(); // b dies: what it was sent after this goes to a
    }
    await until(() => new Set(a.received().concat(b.run.events()).map((e) => e.body.n)).size === sent);
    const counts = new Map<unknown, number>();
    for (const event of [...a.received(), ...b.run.events()]) counts.set(event.body.n, (counts.get(event.body.n) ?? 0) + 1);
    expect([...counts.keys()].sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: sent }, (_, n) => n));
    // At least once: a record b acked before dying is not sent again, one it never acked may be.
    expect([...counts.values()].every((count) => count >= 1 && count <= 2)).toBe(true);
    expect(b.run.events().length).toBeGreaterThan(0);
    expect(a.received().length).toBeGreaterThan(b.run.events().length);
  });

  it('keeps a connection alive across chunks (net.keepalive, on by default), handshakes once on it, and replaces it per net.keepalive_max_recycle', async () => {
    const peer = await aggregator({ shared_key: 'k' });
    // A relay in front of the aggregator counts the connections the sender opens.
    let connections = 0;
    const relay = createServer((socket) => {
      connections++;
      const upstream = connect(peer.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => relay.close(resolve)));
    const port = String((relay.address() as AddressInfo).port);
    const chunks = async (core: Record<string, string>, count: number) => {
      const before = connections;
      const { input, engine } = await sender({ shared_key: 'k', self_hostname: 'edge', require_ack_response: 'on' }, { host: '127.0.0.1', port, ...core });
      const received = peer.received().length;
      for (let i = 0; i < count; i++) {
        input.append({ n: i });
        engine.flush();
        await until(() => peer.received().length === received + i + 1);
      }
      await engine.stop();
      return connections - before;
    };
    expect(await chunks({}, 3)).toBe(1);
    expect(await chunks({ 'net.keepalive': 'off' }, 3)).toBe(3);
    expect(await chunks({ 'net.keepalive_max_recycle': '2' }, 3)).toBe(2);
  });

  it('opens a new connection when the peer closed the kept one, losing nothing', async () => {
    let peer = await aggregator();
    const { input, engine } = await sender({ require_ack_response: 'on' }, { host: '127.0.0.1', port: String(peer.port) });
    input.append({ n: 1 });
    engine.flush();
    await until(() => peer.received().length === 1);
    const port = peer.port;
    await peer.stop(); // the kept connection goes with it
    peer = await aggregatorOn(port);
    input.append({ n: 2 });
    engine.flush();
    await until(() => peer.received().length === 1);
    expect(peer.received()[0]!.body).toEqual({ n: 2 });
  });

  it('refuses bad settings with the fix', async () => {
    await expect(sender({ compress: 'zstd' }, {})).rejects.toThrow(/invalid compress mode 'zstd'/);
    await expect(sender({ compress: 'gzip', time_as_integer: 'on' }, {})).rejects.toThrow(/cannot be used with time_as_integer/);
    await expect(sender({ username: 'u' }, {})).rejects.toThrow(/set shared_key/);
    await expect(sender({ tag: '$host.logs', compress: 'gzip' }, {})).rejects.toThrow(/cannot be used with a Tag made from record keys/);
    const dir = mkdtempSync(join(tmpdir(), 'tributary-upstream-'));
    writeFileSync(join(dir, 'bad.conf'), '[UPSTREAM]\n    name  x\n[NODE]\n    name  a\n    host  127.0.0.1\n');
    await expect(sender({ upstream: join(dir, 'bad.conf') }, {})).rejects.toThrow(/bad\.conf:3: \[NODE\] has no port/);
  });
});
