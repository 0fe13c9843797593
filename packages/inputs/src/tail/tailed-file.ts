import { closeSync, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { LineSplitter, type FileLine } from './line-splitter.js';

/** One file being tailed: its descriptor, inode and position, and its rotation state. */
export class TailedFile {
  readonly fd: number;
  readonly inode: number;
  readonly dev: number;
  /** Where the next read starts (set by `start`). */
  offset = 0;
  /** The file's size when it was opened. */
  readonly size: number;
  /** When a rotation was seen (ms), after which the file is read for `rotate_wait` more. */
  rotatedAt: number | undefined;
  /** Set when a line outgrew the buffer without skip_long_lines: no more reading. */
  dropped = false;
  private splitter: LineSplitter;
  private readonly chunk: Buffer;

  /** The file's row in the offsets DB, if there is one. */
  dbRow: number | undefined;

  constructor(
    /** The path as discovered (what `path_key` and the tag use). */
    readonly path: string,
    readonly tag: string,
    chunkBytes: number,
    private readonly maxBytes: number,
    private readonly skipLongLines: boolean,
  ) {
    this.fd = openSync(path, 'r');
    const stat = fstatSync(this.fd);
    this.inode = stat.ino;
    this.dev = stat.dev;
    this.size = stat.size;
    this.splitter = new LineSplitter(0, maxBytes, skipLongLines);
    this.chunk = Buffer.allocUnsafe(chunkBytes);
  }

  /** Positions the file where reading starts: the DB's offset, its head or its end. */
  start(offset: number): void {
    this.offset = offset;
    this.splitter = new LineSplitter(offset, this.maxBytes, this.skipLongLines);
  }

  /**
   * Reads what was appended, up to `budget` bytes, handing over complete lines; notices a
   * truncation (the file shrank below the position) and starts over from the head. Returns the
   * bytes read, or 'too_long' (the caller stops tailing this file).
   */
  read(budget: number, onLine: (line: FileLine) => void): number | 'too_long' {
    const stat = fstatSync(this.fd);
    if (stat.size < this.offset) {
      this.offset = 0;
      this.splitter.reset(0);
    }
    let total = 0;
    while (total < budget && this.offset < stat.size) {
      const read = readSync(this.fd, this.chunk, 0, Math.min(this.chunk.length, stat.size - this.offset), this.offset);
      if (read <= 0) break;
      this.offset += read;
      total += read;
      if (this.splitter.push(this.chunk.subarray(0, read), onLine) === 'too_long') return 'too_long';
    }
    return total;
  }

  /** The name the open file has now (it changes when the file is renamed away). */
  currentName(): string {
    try {
      return readlinkSync(`/proc/self/fd/${this.fd}`);
    } catch {
      return this.path;
    }
  }

  /** Whether the file was unlinked (no name points at it any more). */
  deleted(): boolean {
    return fstatSync(this.fd).nlink === 0;
  }

  /** The offset a restart would resume from (the start of the buffered partial line). */
  get resumeOffset(): number {
    return this.splitter.resumeOffset;
  }

  close(): void {
    closeSync(this.fd);
  }
}
