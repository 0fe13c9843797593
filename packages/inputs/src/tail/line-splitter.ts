/** One complete line of a file: its bytes (CR of a CRLF ending removed) and where it started. */
export interface FileLine {
  readonly text: Buffer;
  /** The line as read, a CR before the LF included (what a failed parser keeps). */
  readonly raw: Buffer;
  /** Byte offset of the line's first byte in the file. */
  readonly offset: number;
}

/**
 * in_tail's line splitting (`process_content`): lines end at `\n` (exclusive); a trailing `\r`
 * is dropped from lines of 2 bytes or more; NUL bytes at the start of the buffer (copytruncate
 * artefacts) are skipped; bytes after the last `\n` wait for the rest of their line and are never
 * emitted on their own. A line that cannot fit `maxBytes` is skipped to its end when
 * `skipLongLines`, else reported so that the file is dropped, as Fluent Bit does.
 */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);
  /** File offset of `pending[0]`. */
  private pendingOffset: number;
  private skipping = false;

  constructor(
    startOffset: number,
    private readonly maxBytes: number,
    private readonly skipLongLines: boolean,
  ) {
    this.pendingOffset = startOffset;
  }

  /** The offset a restart resumes from: the start of the partial line still buffered. */
  get resumeOffset(): number {
    return this.pendingOffset;
  }

  /** Forgets what is buffered and goes on from `offset` (truncation). */
  reset(offset: number): void {
    this.pending = Buffer.alloc(0);
    this.pendingOffset = offset;
    this.skipping = false;
  }

  /**
   * Takes the next bytes of the file; calls `onLine` per complete line. Returns 'too_long' when a
   * line outgrew `maxBytes` without `skipLongLines` (the caller stops tailing the file),
   * 'skipped' when such a line is being skipped, else undefined.
   */
  push(bytes: Buffer, onLine: (line: FileLine) => void): 'too_long' | 'skipped' | undefined {
    let buffer = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    let offset = this.pendingOffset;
    let result: 'skipped' | undefined;
    let start = 0;
    while (start < buffer.length && buffer[start] === 0 && !this.skipping) start++;
    for (;;) {
      const newline = buffer.indexOf(0x0a, start);
      if (newline < 0) break;
      if (this.skipping) this.skipping = false;
      else {
        const raw = buffer.subarray(start, newline);
        const text = raw.length >= 2 && raw[raw.length - 1] === 0x0d ? raw.subarray(0, -1) : raw;
        onLine({ text, raw, offset: offset + start });
      }
      start = newline + 1;
    }
    offset += start;
    buffer = buffer.subarray(start);
    if (buffer.length >= this.maxBytes) {
      if (!this.skipLongLines) return 'too_long';
      offset += buffer.length;
      buffer = Buffer.alloc(0);
      this.skipping = true;
      result = 'skipped';
    }
    this.pending = Buffer.from(buffer);
    this.pendingOffset = offset;
    return result;
  }
}
