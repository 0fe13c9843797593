import { connect } from 'node:net';
import { EventTime, FluentClient, type EventModes } from '@fluent-org/logger';
import { encode } from '@msgpack/msgpack';
import { startInput } from '@tributary/core/testing';
import { splitStream } from '@tributary/msgpack/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardInput } from './forward.js';
import { freePort, until } from './net-test-support.js';



async function forward(properties: Record<string, string> = {}, tag?: string) {
  const port = await freePort();
  const run = await startInput(forwardInput, properties, { coreProperties: { listen: '127.0.0.1', port: String(port) }, ...(tag ? { tag } : {}) });
  const delivered = async (count: number) => {
    await until(() => {
      run.engine.flush();
      return run.events().length >= count;
    });
    return run.events();
  };
  return { run, port, delivered };
}

const client = (port: number, mode: EventModes, extra: Record<string, unknown> = {}) =>
  new FluentClient('app', { eventMode: mode, socket: { host: '127.0.0.1', port, timeout: -1 }, ...extra });

describe('forward input with @fluent-org/logger (the fluent org\'s Forward client)', () => {
  for (const mode of ['Message', 'Forward', 'PackedForward', 'CompressedPackedForward'] as const) {
    it(`${mode} mode, acks on: records, tags and EventTime arrive exactly`, async () => {
      const { run, port, delivered } = await forward();
      await using _ = run;
      const sender = client(port, mode, { ack: { ackTimeout: 5000 } });
      await Promise.all([sender.emit('web', { n: 1 }, new EventTime(1700000000, 123456789)), sender.emit('web', { n: 2 }, new EventTime(1700000001, 0))]);
      await sender.disconnect();
      const events = await delivered(2);
      expect(events.map((event) => [event.tag, event.body, event.time.sec, event.time.nsec])).toEqual([
        ['app.web', { n: 1 }, 1700000000, 123456789],
        ['app.web', { n: 2 }, 1700000001, 0],
      ]);
    });
  }

  it('shared key and users: the handshake passes with the right key and password; a wrong shared key gets nothing in', async () => {
    const { run, port, delivered } = await forward({ shared_key: 'secret', 'security.users': 'alice wonderland', self_hostname: 'collector' });
    await using _ = run;
    const good = client(port, 'Forward', { security: { clientHostname: 'sender', sharedKey: 'secret', username: 'alice', password: 'wonderland' }, ack: { ackTimeout: 5000 } });
    await good.emit('secure', { ok: true });
    await good.disconnect();
    expect((await delivered(1)).map((event) => event.body)).toEqual([{ ok: true }]);
    const bad = client(port, 'Forward', { security: { clientHostname: 'sender', sharedKey: 'wrong', username: 'alice', password: 'wonderland' }, socket: { host: '127.0.0.1', port, timeout: -1, disableReconnect: true } });
    void bad.emit('secure', { ok: false }).catch(() => undefined); // never acknowledged: the server closes after the PING
    await new Promise((resolve) => setTimeout(resolve, 500));
    void bad.disconnect().catch(() => undefined);
    run.engine.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(run.events().map((event) => event.body)).toEqual([{ ok: true }]);
  });

  it('Tag_Prefix prefixes, and an explicit Tag overrides the sender\'s tag', async () => {
    const prefixed = await forward({ tag_prefix: 'from.' });
    await using _a = prefixed.run;
    const one = client(prefixed.port, 'Message', { ack: { ackTimeout: 5000 } });
    await one.emit('x', { a: 1 });
    await one.disconnect();
    expect((await prefixed.delivered(1))[0]!.tag).toBe('from.app.x');
    const fixed = await forward({}, 'fixed.tag');
    await using _b = fixed.run;
    const two = client(fixed.port, 'Message', { ack: { ackTimeout: 5000 } });
    await two.emit('x', { a: 1 });
    await two.disconnect();
    expect((await fixed.delivered(1))[0]!.tag).toBe('fixed.tag');
  });
});

describe('forward input on raw bytes', () => {
  it('takes frames split at every offset, and v2 entries with metadata', async () => {
    const { run, port, delivered } = await forward();
    await using _ = run;
    const time = new Uint8Array([0xd7, 0x00, 0x65, 0x53, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x05]);
    const entry = Buffer.concat([Buffer.from([0x92, 0x92]), time, Buffer.from(encode({ m: 'meta' })), Buffer.from(encode({ v: 2 }))]);
    const frame = Buffer.concat([Buffer.from([0x92]), Buffer.from(encode('raw')), Buffer.from([0x91]), entry]);
    const stream = Buffer.concat([frame, frame]);
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.on('connect', resolve));
    for (const part of splitStream(stream, Array.from({ length: stream.length }, (_, i) => i))) {
      socket.write(part);
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.end();
    const events = await delivered(2);
    expect(events.map((event) => [event.tag, event.body, event.metadata, event.time.sec, event.time.nsec])).toEqual([
      ['raw', { v: 2 }, { m: 'meta' }, 1700000000, 5],
      ['raw', { v: 2 }, { m: 'meta' }, 1700000000, 5],
    ]);
  });

  it('closes only the connection that sends garbage, whatever the bytes, and keeps serving others', async () => {
    const { run, port, delivered } = await forward();
    await using _ = run;
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 40 }), { numRuns: 30 });
    await Promise.all(
      samples.map(
        (bytes) =>
          new Promise<void>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.from(bytes)));
            socket.on('close', () => resolve());
            socket.on('error', () => resolve());
          }),
      ),
    );
    const sender = client(port, 'Message', { ack: { ackTimeout: 5000 } });
    await sender.emit('after', { ok: 1 });
    await sender.disconnect();
    const events = await delivered(1);
    expect(events.at(-1)!.body).toEqual({ ok: 1 });
  });
});
