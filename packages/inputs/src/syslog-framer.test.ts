import fc from 'fast-check';
import { splitStream } from '@tributary/msgpack/testing';
import { describe, expect, it } from 'vitest';
import { SyslogFramer } from './syslog-framer.js';

function frame(framing: 'newline' | 'octet_counting', chunks: readonly Uint8Array[]): { messages: string[]; error: string | undefined } {
  const framer = new SyslogFramer(framing, 1 << 20);
  const messages: string[] = [];
  let error: string | undefined;
  for (const chunk of chunks) error ??= framer.push(Buffer.from(chunk), (m) => messages.push(m.toString('latin1')));
  return { messages, error };
}

const message = fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/[\n\0]/g, ' '));

describe('SyslogFramer', () => {
  it('newline: ends at LF or NUL, keeps CR, skips empty messages', () => {
    expect(frame('newline', [Buffer.from('<13>a\r\n\n<13>b\0<13>c')]).messages).toEqual(['<13>a\r', '<13>b']);
  });

  it('octet counting: exact lengths, a lone LF between frames, garbage refused', () => {
    expect(frame('octet_counting', [Buffer.from('5 <13>a\n7 <13>b c')]).messages).toEqual(['<13>a', '<13>b c']);
    expect(frame('octet_counting', [Buffer.from('x5 hello')]).error).toMatch(/must start with its length and a space/);
  });

  it('gives the same messages however the stream is split, in both framings', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (messages, cuts) => {
        const lines = Buffer.from(messages.map((m) => `${m}\n`).join(''), 'latin1');
        expect(frame('newline', splitStream(lines, cuts)).messages).toEqual(messages.map((m) => Buffer.from(m, 'latin1').toString('latin1')));
        const counted = Buffer.concat(messages.map((m) => { const b = Buffer.from(m, 'utf8'); return Buffer.concat([Buffer.from(`${b.length} `), b]); }));
        expect(frame('octet_counting', splitStream(counted, cuts)).messages).toEqual(messages.map((m) => Buffer.from(m, 'utf8').toString('latin1')));
      }),
    );
  });

  it('never throws on any bytes: messages or an error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => void frame('octet_counting', [bytes])));
  });
});
