import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf, type Logger } from '@tributary/base';
import { MsgpackWriter } from '@tributary/msgpack';
import { Chunk, ChunkUnavailableError } from '../chunk.js';
import { CHUNK_CAPACITY, type ChunkStore } from '../chunk-store.js';
import { chunkFileHeader, doneFile, FRAME_HEADER_BYTES, readChunkFile, removeChunkFile, writeFrameHeader } from './chunk-file.js';

/** `[SERVICE] storage.*` as the file store uses them. */
export interface FileStorageOptions {
  /** `storage.path`: one folder per input under it. */
  readonly path: string;
  /** `storage.sync full`: fsync after every write (`normal` leaves it to the OS, which a crash of the process does not lose). */
  readonly fullSync: boolean;
  /** `storage.checksum`: a CRC-32 per frame, checked when the chunk is read back. */
  readonly checksum: boolean;
}

interface ChunkFile {
  readonly path: string;
  fd: number | undefined;
  /** Outputs done with it while others still owe it (`<file>.done`), so a restart skips them. */
  readonly done: Set<string>;
  /** Writing failed once: the chunk lives on in memory only. */
  failed: boolean;
  /** Its buffer is one of this store's, full-sized, reused once it is released. */
  pooled: boolean;
}

let sequence = 0;

/**
 * Chunks kept in files as well as in memory (`storage.type filesystem`): each chunk is a file
 * under its input's folder, every batch of appends written to it (one frame) before the input accepts it,
 * so a record an input had accepted survives a crash of the process; the file goes once every
 * output it was routed to has delivered or dropped it, and stays when shutdown leaves it
 * undelivered. Chunks read back at start (the backlog) are adopted with `adopt`.
 */
export class FileChunkStore implements ChunkStore {
  readonly durable = true;
  private readonly files = new Map<Chunk, ChunkFile>();
  private readonly frameHeader = Buffer.alloc(FRAME_HEADER_BYTES);
  /** Buffers of released chunks, reused as the memory store reuses them. */
  private readonly spare: MsgpackWriter[] = [];
  private readonly directory: string | undefined;

  constructor(
    private readonly options: FileStorageOptions,
    /** The input's folder name (its name); undefined for the backlog's store, which only adopts. */
    input: string | undefined,
    private readonly log: Logger,
  ) {
    if (input !== undefined) {
      this.directory = join(options.path, input);
      mkdirSync(this.directory, { recursive: true });
    }
  }

  create(input: number, tag: string): Chunk {
    if (this.directory === undefined) throw new Error('the backlog store does not create chunks');
    const chunk = new Chunk(tag, input, this.spare.pop() ?? new MsgpackWriter(CHUNK_CAPACITY));
    const path = join(this.directory, `${String(Date.now()).padStart(15, '0')}-${process.pid}-${sequence++}.chunk`);
    const file: ChunkFile = { path, fd: undefined, done: new Set(), failed: false, pooled: true };
    this.files.set(chunk, file);
    this.write(file, () => {
      file.fd = openSync(path, 'wx');
      writeSync(file.fd, chunkFileHeader(tag, this.options.checksum));
    });
    return chunk;
  }

  appended(chunk: Chunk, from: number): void {
    const file = this.files.get(chunk);
    if (file === undefined || file.fd === undefined) return;
    const fd = file.fd;
    const bytes = chunk.bytes();
    writeFrameHeader(this.frameHeader, bytes, from, bytes.length, this.options.checksum);
    this.write(file, () => {
      writevSync(fd, [this.frameHeader, bytes.subarray(from)]);
      if (this.options.fullSync) fsyncSync(fd);
    });
  }

  seal(chunk: Chunk): void {
    this.close(this.files.get(chunk));
  }

  settledBy(chunk: Chunk, output: string): void {
    const file = this.files.get(chunk);
    if (file === undefined || file.done.has(output)) return;
    file.done.add(output);
    this.write(file, () => appendFileSync(doneFile(file.path), `${output}\n`));
  }

  release(chunk: Chunk): void {
    const file = this.files.get(chunk);
    this.files.delete(chunk);
    if (file === undefined) return;
    this.close(file);
    this.recycle(chunk, file);
    removeChunkFile(file.path);
  }

  keep(chunk: Chunk): void {
    const file = this.files.get(chunk);
    this.files.delete(chunk);
    if (file === undefined) return;
    this.close(file);
    this.recycle(chunk, file);
  }

  putDown(chunk: Chunk, cameUp: () => void): boolean {
    const file = this.files.get(chunk);
    if (file === undefined || file.failed || file.fd !== undefined || !chunk.up) return false;
    const writer = chunk.putDown(() => {
      const records = this.readBack(file);
      cameUp();
      return records;
    });
    this.reuse(writer, file);
    return true;
  }

  /** The records of a chunk that is down, from its file into a buffer of this store's. */
  private readBack(file: ChunkFile): MsgpackWriter {
    let contents;
    try {
      contents = readChunkFile(readFileSync(file.path));
    } catch (error) {
      throw new ChunkUnavailableError(`cannot read chunk file ${file.path} back: ${messageOf(error)}`, { cause: error });
    }
    if (!contents.ok) throw new ChunkUnavailableError(`cannot read chunk file ${file.path} back: ${contents.problem}`);
    const writer = this.spare.pop() ?? new MsgpackWriter(CHUNK_CAPACITY);
    writer.writeRaw(contents.records);
    file.pooled = true;
    return writer;
  }

  /** A chunk read back from `path` at start, with the outputs already done with it. */
  adopt(chunk: Chunk, path: string, done: ReadonlySet<string>): void {
    this.files.set(chunk, { path, fd: undefined, done: new Set(done), failed: false, pooled: false });
  }

  private recycle(chunk: Chunk, file: ChunkFile): void {
    if (chunk.up) this.reuse(chunk.writer, file);
  }

  private reuse(writer: MsgpackWriter, file: ChunkFile): void {
    if (!file.pooled || this.spare.length >= 2) return;
    writer.reset();
    this.spare.push(writer);
  }

  private close(file: ChunkFile | undefined): void {
    if (file?.fd === undefined) return;
    const fd = file.fd;
    file.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
  }

  /** A write that fails (disk full, permissions) leaves the chunk in memory only, said once per chunk. */
  private write(file: ChunkFile, action: () => void): void {
    if (file.failed) return;
    try {
      action();
    } catch (error) {
      file.failed = true;
      this.close(file);
      this.log.error(`cannot write chunk file ${file.path}: ${messageOf(error)}; its records are kept in memory only and will not survive a crash`);
    }
  }
}
