import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf, type Logger } from '@tributary/base';
import type { Chunk } from '../chunk.js';
import { chunkFileHeader, FRAME_HEADER_BYTES, writeFrameHeader } from './chunk-file.js';

let sequence = 0;

/** A tag or output name as a file name part: anything but `[A-Za-z0-9._-]` becomes `_`. */
const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_') || '_';

/**
 * Fluent Bit's dead-letter queue (`storage.keep.rejected`): a copy of every chunk an output
 * drops — an error, or a retry it may not make — as a chunk file under
 * `<storage.path>/<storage.rejected.path>` (default `rejected`), named
 * `<tag>_<status>_<output>_<n>.chunk`, up to `storage.rejected.limit` bytes of records in all.
 * The backlog never replays them; they wait for someone to look.
 */
export class RejectedChunks {
  private readonly directory: string;
  private bytes = 0;

  constructor(
    root: string,
    readonly folder: string,
    private readonly limit: number | undefined,
    private readonly checksum: boolean,
    private readonly log: Logger,
  ) {
    this.directory = join(root, folder);
    try {
      for (const name of readdirSync(this.directory)) this.bytes += statSync(join(this.directory, name)).size;
    } catch {
      // none kept yet
    }
  }

  /** Keeps a copy of `chunk`, which output `output` dropped; a failure or the limit is a warning. */
  keep(chunk: Chunk, output: string): void {
    const size = chunk.size;
    if (this.limit !== undefined) {
      if (this.bytes >= this.limit) return this.log.warn(`[storage] DLQ size limit reached (${this.bytes}/${this.limit} bytes), rejected chunk copy skipped`);
      if (this.bytes + size > this.limit) return this.log.warn(`[storage] DLQ size limit exceeded (${this.bytes} + ${size} > ${this.limit} bytes), rejected chunk copy skipped`);
    }
    const records = chunk.bytes();
    const frame = Buffer.alloc(FRAME_HEADER_BYTES);
    writeFrameHeader(frame, records, 0, records.length, this.checksum);
    const path = join(this.directory, `${safe(chunk.tag)}_0_${safe(output)}_${process.pid}-${sequence++}.chunk`);
    try {
      mkdirSync(this.directory, { recursive: true });
      writeFileSync(path, Buffer.concat([chunkFileHeader(chunk.tag, this.checksum), frame, records]), { flush: true });
    } catch (error) {
      return this.log.warn(`[storage] DLQ write failed for ${path}: ${messageOf(error)}`);
    }
    this.bytes += size;
    if (this.limit !== undefined && this.bytes >= (this.limit * 9) / 10) this.log.warn(`[storage] DLQ content size is at ${this.bytes}/${this.limit} bytes (>=90% of limit)`);
    this.log.info(`[storage] quarantined rejected chunk into DLQ stream (bytes=${size})`);
  }
}
