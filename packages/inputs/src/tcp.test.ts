import { connect } from 'node:net';
import { startInput } from '@tributary/core/testing';
import { createParser, stockParser } from '@tributary/parsers';
import { describe, expect, it } from 'vitest';
import { tcpInput } from './tcp.js';
import { freePort, until } from './net-test-support.js';


/** Sends `parts` on one real connection, one write each, then closes it. */
function send(port: number, parts: Array<string | Buffer>): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((r) => setTimeout(r, 10));
      }
      socket.end();
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}


describe('tcp input', () => {
  it('format json: objects and arrays from concatenated values split anywhere, with the peer address', async () => {
    const port = await freePort();
    await using run = await startInput(tcpInput, { source_address_key: 'peer' }, { coreProperties: { listen: '127.0.0.1', port: String(port) }, tag: 'tcp.in' });
    await send(port, ['{"a":1,"big":9223372036854775807}{"b"', ':"x"}\n[1,2]\n']);
    await run.engine.flush();
    await until(() => run.events().length >= 3);
    const bodies = run.events().map((event) => event.body);
    expect(bodies[0]).toMatchObject({ a: 1, big: 9223372036854775807n, peer: expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/) });
    expect(bodies[1]).toMatchObject({ b: 'x' });
    expect(bodies[2]).toMatchObject({ msg: [1, 2] });
    expect(run.events()[0]!.tag).toBe('tcp.in');
  });

  it('format none: {"log": …} per separator, bytes kept, text after the last separator waiting', async () => {
    const port = await freePort();
    await using run = await startInput(tcpInput, { format: 'none', separator: '\\r\\n' }, { coreProperties: { listen: '127.0.0.1', port: String(port) } });
    await send(port, ['one\r\ntw', 'o\r\n\r\n', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]), 'unterminated']);
    await until(() => { run.engine.flush(); return run.events().length >= 3; });
    expect(run.events().map((event) => event.body.log)).toEqual(['one', 'two', 'caf\ufffd']); // as a UTF-8 decoder shows it
    // ... but the chunk holds the bytes that came: str(4) c a f 0xe9, not U+FFFD.
    expect(Buffer.concat(run.chunks()).includes(Buffer.from([0xa4, 0x63, 0x61, 0x66, 0xe9]))).toBe(true);
  });

  it('closes only the connection that sends invalid JSON or too much, and keeps serving others', async () => {
    const port = await freePort();
    await using run = await startInput(tcpInput, { buffer_size: '1' }, { coreProperties: { listen: '127.0.0.1', port: String(port) } });
    await send(port, ['{"a":' + '"x'.repeat(800)]);
    await send(port, ['{"bad" 1}']);
    await send(port, ['{"ok":true}']);
    await until(() => { run.engine.flush(); return run.events().length >= 1; });
    expect(run.events().map((event) => event.body)).toEqual([{ ok: true }]);
  });

  it('parser: each piece parsed, with its time; a piece that does not parse kept as {"log": ...}', async () => {
    const port = await freePort();
    const parsers = { find: (name: string) => (stockParser(name) ? createParser(stockParser(name)!) : undefined) };
    await using run = await startInput(tcpInput, { parser: 'cri' }, { coreProperties: { listen: '127.0.0.1', port: String(port) }, parsers });
    await send(port, ['2023-11-14T22:13:20.5Z stdout F hello\nnot cri\n']);
    await until(() => { run.engine.flush(); return run.events().length >= 2; });
    const [parsed, raw] = run.events();
    expect(parsed!.body).toEqual({ time: '2023-11-14T22:13:20.5Z', stream: 'stdout', logtag: 'F', message: 'hello' });
    expect([parsed!.time.sec, parsed!.time.nsec]).toEqual([1700000000, 500000000]);
    expect(raw!.body).toEqual({ log: 'not cri' });
  });

  it('names a parser that does not exist', async () => {
    await expect(startInput(tcpInput, { parser: 'nope' }, { coreProperties: { port: '0' }, parsers: { find: () => undefined } })).rejects.toThrow(
      "tcp.0: parser 'nope' is not defined. Define it in a [PARSER] section of a Parsers_File, or name one of Fluent Bit's stock parsers.",
    );
  });

  it('refuses tls on, which it cannot serve', async () => {
    await expect(startInput(tcpInput, {}, { coreProperties: { tls: 'on', port: '0' } })).rejects.toThrow(/does not support TLS/);
  });
});
