import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '@tributary/base';
import { doneOutputs, readChunkFile, removeChunkFile } from './chunk-file.js';

/** A chunk a previous run left under `storage.path`, read back. */
export interface BacklogChunk {
  /** The folder it was in: the name of the input that wrote it. */
  readonly input: string;
  readonly path: string;
  readonly tag: string;
  readonly records: Uint8Array;
  readonly count: number;
  /** Outputs that had delivered (or dropped) it already. */
  readonly done: ReadonlySet<string>;
}

export interface BacklogCounters {
  /** Chunk files found at start. */
  found: number;
  /** Files that could not be read (bad checksum, not events), set aside or deleted. */
  irrecoverable: number;
  /** Torn last frames (a crash mid-write) dropped from files otherwise read. */
  tornFrames: number;
}

/**
 * The chunk files under `storage.path` at start, oldest first, read one at a time as the
 * pipeline has room for them (`storage.backlog.mem_limit`). A file that cannot be read is set
 * aside under `<storage.path>/irrecoverable/` — or deleted with
 * `storage.delete_irrecoverable_chunks on` — and counted; it never stops the agent.
 */
export class Backlog {
  readonly counters: BacklogCounters = { found: 0, irrecoverable: 0, tornFrames: 0 };
  private readonly pending: Array<{ input: string; path: string }> = [];

  constructor(
    private readonly root: string,
    private readonly deleteIrrecoverable: boolean,
    private readonly log: Logger,
    /** The dead-letter folder (`storage.keep.rejected`), whose chunks are never replayed. */
    rejected?: string,
  ) {
    let folders: string[];
    try {
      folders = readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name !== IRRECOVERABLE && entry.name !== rejected)
        .map((entry) => entry.name);
    } catch {
      return; // nothing stored yet
    }
    for (const input of folders.sort()) {
      const files = readdirSync(join(root, input)).filter((name) => name.endsWith('.chunk')).sort();
      for (const name of files) this.pending.push({ input, path: join(root, input, name) });
    }
    this.counters.found = this.pending.length;
    if (this.pending.length > 0) log.info(`[storage] ${this.pending.length} chunks of a previous run found under ${root}: queued again`);
  }

  get size(): number {
    return this.pending.length;
  }

  /** The next readable chunk, or undefined when none is left. */
  next(): BacklogChunk | undefined {
    for (let entry = this.pending.shift(); entry !== undefined; entry = this.pending.shift()) {
      let contents;
      try {
        contents = readChunkFile(readFileSync(entry.path));
      } catch (error) {
        this.log.warn(`[storage] cannot read ${entry.path}: ${(error as Error).message}; skipped`);
        continue;
      }
      if (!contents.ok) {
        this.setAside(entry.path, contents.problem);
        continue;
      }
      if (contents.tornBytes > 0) {
        this.counters.tornFrames++;
        this.log.warn(`[storage] ${entry.path}: a last write cut short by a crash (${contents.tornBytes} bytes) is dropped; ${contents.count} whole records are kept`);
      }
      if (contents.count === 0) {
        removeChunkFile(entry.path);
        continue;
      }
      return { input: entry.input, path: entry.path, tag: contents.tag, records: contents.records, count: contents.count, done: doneOutputs(entry.path) };
    }
    return undefined;
  }

  private setAside(path: string, problem: string): void {
    this.counters.irrecoverable++;
    if (this.deleteIrrecoverable) {
      removeChunkFile(path);
      this.log.error(`[storage] ${path} is irrecoverable (${problem}): deleted (storage.delete_irrecoverable_chunks)`);
      return;
    }
    const folder = join(this.root, IRRECOVERABLE);
    mkdirSync(folder, { recursive: true });
    const to = join(folder, `${basename(join(path, '..'))}-${basename(path)}`);
    renameSync(path, to);
    this.log.error(`[storage] ${path} is irrecoverable (${problem}): moved to ${to}`);
  }
}

const IRRECOVERABLE = 'irrecoverable';
