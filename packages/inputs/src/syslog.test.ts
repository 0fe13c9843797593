import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInput } from '@tributary/core/testing';
import { createParser, stockParser } from '@tributary/parsers';
import { describe, expect, it } from 'vitest';
import { syslogInput } from './syslog.js';
import { freePort, until } from './net-test-support.js';

const parsers = { find: (name: string) => (stockParser(name) ? createParser(stockParser(name)!) : undefined) };
const RFC5424 = '<165>1 2023-11-14T22:13:20.003Z myhost app 42 ID47 - hello';


function sendStream(target: number | string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = typeof target === 'number' ? connect(target, '127.0.0.1') : connect(target);
    socket.on('connect', () => socket.end(data));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}


describe('syslog input', () => {
  it('tcp, newline: RFC 5424 messages parsed with their time; one that does not parse is dropped', async () => {
    const port = await freePort();
    await using run = await startInput(syslogInput, { mode: 'tcp', source_address_key: 'peer', raw_message_key: 'raw' }, { coreProperties: { listen: '127.0.0.1', port: String(port) }, parsers });
    await sendStream(port, `${RFC5424}\nnot syslog\n${RFC5424.replace('hello', 'again')}\n`);
    await until(() => { run.engine.flush(); return run.events().length >= 2; });
    const [first, second] = run.events();
    expect(first!.body).toMatchObject({ pri: '165', host: 'myhost', ident: 'app', pid: '42', msgid: 'ID47', message: 'hello', peer: expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/) });
    expect(Buffer.from(first!.body.raw as Uint8Array).toString()).toBe(RFC5424);
    expect([first!.time.sec, first!.time.nsec]).toEqual([1700000000, 3000000]);
    expect(second!.body.message).toBe('again');
  });

  it('tcp, octet counting (RFC 6587)', async () => {
    const port = await freePort();
    await using run = await startInput(syslogInput, { mode: 'tcp', format: 'octet_counting' }, { coreProperties: { listen: '127.0.0.1', port: String(port) }, parsers });
    await sendStream(port, `${Buffer.byteLength(RFC5424)} ${RFC5424}${Buffer.byteLength(RFC5424)} ${RFC5424}`);
    await until(() => { run.engine.flush(); return run.events().length >= 2; });
    expect(run.events().map((event) => event.body.message)).toEqual(['hello', 'hello']);
  });

  it('udp: one message per datagram', async () => {
    const port = await freePort();
    await using run = await startInput(syslogInput, { mode: 'udp', source_address_key: 'peer' }, { coreProperties: { listen: '127.0.0.1', port: String(port) }, parsers });
    const client = createSocket('udp4');
    await new Promise<void>((resolve) => client.send(RFC5424, port, '127.0.0.1', () => resolve()));
    client.close();
    await until(() => { run.engine.flush(); return run.events().length >= 1; });
    expect(run.events()[0]!.body).toMatchObject({ message: 'hello', peer: expect.stringMatching(/^udp:\/\/127\.0\.0\.1:\d+$/) });
  });

  it('unix_tcp: a socket at Path with unix_perm, RFC 3164 without a host by default', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'syslog-')), 'log.sock');
    await using run = await startInput(syslogInput, { mode: 'unix_tcp', path, unix_perm: '0600' }, { parsers });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await sendStream(path, '<13>Nov 14 22:13:20 app[7]: local message\n');
    await until(() => { run.engine.flush(); return run.events().length >= 1; });
    expect(run.events()[0]!.body).toMatchObject({ pri: '13', ident: 'app', pid: '7', message: 'local message' });
  });

  it('unix_udp (the default mode): datagrams from util-linux logger (its local format) at Path, read with syslog-rfc3164-local by default', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'syslog-')), 'log.sock');
    await using run = await startInput(syslogInput, { path, unix_perm: '0660', source_address_key: 'peer' }, { parsers });
    expect(statSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o660);
    // logger(1) is the real unix-datagram syslog client on every Linux: one datagram per message.
    execFileSync('logger', ['--socket-errors=on', '-d', '-u', path, '-t', 'app', '-p', 'user.notice', 'first message']);
    execFileSync('logger', ['--socket-errors=on', '-d', '-u', path, '-t', 'app', '-p', 'user.err', 'second message']);
    await until(() => { run.engine.flush(); return run.events().length >= 2; });
    expect(run.events().map((event) => event.body)).toEqual([
      expect.objectContaining({ pri: '13', ident: 'app', message: 'first message', peer: `unix://${path}` }),
      expect.objectContaining({ pri: '11', ident: 'app', message: 'second message' }),
    ]);
  });

  it('unix_udp: a datagram longer than Buffer_Max_Size is cut to it; the socket file goes at exit', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'syslog-')), 'log.sock');
    const run = await startInput(syslogInput, { path, buffer_max_size: '40' }, { parsers });
    execFileSync('logger', ['--socket-errors=on', '-d', '-u', path, '-t', 'app', 'x'.repeat(100)]);
    await until(() => { run.engine.flush(); return run.events().length >= 1; });
    const message = run.events()[0]!.body.message as string;
    expect(message.length).toBeLessThan(40);
    expect(message).toMatch(/^x+$/);
    await run[Symbol.asyncDispose]();
    expect(existsSync(path)).toBe(false);
  });

  it('unix modes need a Path', async () => {
    await expect(startInput(syslogInput, { mode: 'unix_udp' }, { parsers })).rejects.toThrow('mode unix_udp needs a Path for the socket.');
  });
});
