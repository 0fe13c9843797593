/** How syslog messages are delimited on a stream (RFC 6587): a newline (or NUL), or an octet count. */
export type SyslogFraming = 'newline' | 'octet_counting';

/**
 * Splits a syslog stream into messages as Fluent Bit's `syslog_prot_process` does: with
 * `newline` a message ends at `\n` or NUL (not part of it; `\r` stays; empty ones are skipped);
 * with `octet_counting` each message is `<length> <exactly length bytes>`, a lone `\n` between
 * frames tolerated. `push` returns an error message for a stream that cannot be syslog (a frame
 * not starting with digits and a space, or a message past `maxBytes`); the connection should
 * then be closed.
 */
export class SyslogFramer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly framing: SyslogFraming,
    private readonly maxBytes: number,
  ) {}

  push(chunk: Buffer, onMessage: (message: Buffer) => void): string | undefined {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const bytes = this.pending;
    let start = 0;
    if (this.framing === 'newline') {
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b !== 0x0a && b !== 0x00) continue;
        if (i > start) onMessage(bytes.subarray(start, i));
        start = i + 1;
      }
    } else {
      for (;;) {
        while (bytes[start] === 0x0a) start++;
        if (start >= bytes.length) break;
        const space = bytes.indexOf(0x20, start);
        const prefix = bytes.subarray(start, space < 0 ? Math.min(bytes.length, start + 11) : space);
        if (!/^\d*$/.test(prefix.toString('latin1')) || prefix.length > 10 || (space === start)) {
          return `an octet-counted frame must start with its length and a space, got '${prefix.toString('latin1').slice(0, 20)}'`;
        }
        if (space < 0) break;
        const length = Number(prefix.toString('latin1'));
        if (length > this.maxBytes) return `a message of ${length} bytes is larger than buffer_max_size (${this.maxBytes})`;
        if (space + 1 + length > bytes.length) break;
        if (length > 0) onMessage(bytes.subarray(space + 1, space + 1 + length));
        start = space + 1 + length;
      }
    }
    this.pending = bytes.subarray(start);
    if (this.pending.length > this.maxBytes) return `a message is larger than buffer_max_size (${this.maxBytes} bytes)`;
    return undefined;
  }
}
