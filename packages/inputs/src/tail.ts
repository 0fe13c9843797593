import { statSync } from 'node:fs';
import { messageOf } from '@tributary/base';
import { defineInput, type InputContext, type MultilineJoiner, type TextParser } from '@tributary/core';
import { MsgpackWriter } from '@tributary/msgpack';
import { expandGlob, pathMatcher } from './tail/glob.js';
import type { FileLine } from './tail/line-splitter.js';
import { composeTag } from './tail/tag-compose.js';
import { TailDb } from './tail/tail-db.js';
import { TailedFile } from './tail/tailed-file.js';

const TRUNCATED = { multiline_truncated: true };

/** How often files are checked for new data, rotation, truncation and deletion (Fluent Bit's stat backend: 250 ms). */
const POLL_MS = 250;

/**
 * Fluent Bit's `tail` input (`plugins/in_tail`): the files `Path` globs name (comma list, minus
 * `Exclude_Path`), rescanned every `Refresh_Interval`, read line by line as in_tail splits them,
 * each line a record `{Path_Key?, Offset_Key?, Key: line}` — or the `Parser`'s record, the raw
 * line kept when it does not parse — tagged per file when `Tag` has a `*` or `Tag_Regex` is set.
 * Rotation by rename keeps the old file read for `Rotate_Wait` s while the new one is read from
 * its head; truncation starts over; a deleted file is closed. Mem_Buf_Limit pauses reading, the
 * position kept. With `DB`, offsets are kept in Fluent Bit's own SQLite schema: a restart neither
 * loses nor repeats a line, and a database Fluent Bit wrote is continued. Files are polled
 * every 250 ms (Fluent Bit's stat backend).
 */
export const tailInput = defineInput({
  name: 'tail',
  description: 'Tail files',
  configMap: {
    path: { type: 'list', description: 'Comma-separated glob patterns of the files to read' },
    exclude_path: { type: 'list', description: 'Comma-separated patterns of paths not to read (* matches / too)' },
    key: { type: 'string', default: 'log', description: 'Key of the line in records without a parser' },
    read_from_head: { type: 'bool', default: 'false', description: 'Read files found at start from their head, not their end' },
    read_newly_discovered_files_from_head: { type: 'bool', default: 'true', description: 'Read files found after the first scan from their head' },
    refresh_interval: { type: 'time', default: '60', description: 'Seconds between rescans of the globs' },
    rotate_wait: { type: 'time', default: '5', description: 'Seconds a rotated file is still read' },
    ignore_older: { type: 'time', default: '0', description: 'Skip files not modified for this long (0: off)' },
    path_key: { type: 'string', description: 'Add the file path under this key' },
    offset_key: { type: 'string', description: "Add the line's byte offset under this key" },
    buffer_chunk_size: { type: 'size', default: '32768', description: 'Read size of one file' },
    buffer_max_size: { type: 'size', default: '32768', description: 'Longest line (buffer_max_size - 1 bytes)' },
    skip_long_lines: { type: 'bool', default: 'false', description: 'Skip lines past buffer_max_size (else the file is no longer read)' },
    skip_empty_lines: { type: 'bool', default: 'false', description: 'Drop empty lines' },
    static_batch_size: { type: 'size', default: '50M', description: 'Most bytes read from one file per pass' },
    tag_regex: { type: 'string', description: 'Regex on the path whose <group>s the Tag may use' },
    parser: { type: 'string', description: 'Parser of each line' },
    db: { type: 'string', description: "SQLite file of read offsets (Fluent Bit's in_tail_files schema)" },
    'db.sync': { type: 'string', default: 'normal', description: 'PRAGMA synchronous of the DB: extra, full, normal or off' },
    'db.locking': { type: 'bool', default: 'false', description: 'Lock the DB exclusively' },
    'db.journal_mode': { type: 'string', default: 'WAL', description: 'PRAGMA journal_mode of the DB' },
    'multiline.parser': { type: 'string', multiple: true, description: 'Multiline parsers, comma-separated or repeated (docker, cri, go, java, python, ruby, or [MULTILINE_PARSER]s)' },
    docker_mode: { type: 'bool', default: 'false', description: 'Legacy Docker line recombination', unsupported: 'use multiline.parser docker when it lands' },
    inotify_watcher: { type: 'bool', default: 'true', description: 'Watch files with inotify', unsupported: 'files are polled every 250 ms' },
  },
  init(ctx) {
    const patterns = ctx.config.path ?? [];
    if (patterns.length === 0) throw new Error(`${ctx.name}: no input 'path' was given. Set Path to the files to read, e.g. /var/log/*.log.`);
    if (ctx.config.buffer_max_size < ctx.config.buffer_chunk_size) throw new Error(`${ctx.name}: buffer_max_size must be at least buffer_chunk_size.`);
    if (ctx.config.rotate_wait <= 0) throw new Error(`${ctx.name}: rotate_wait must be more than 0.`);
    const excluded = (ctx.config.exclude_path ?? []).map(pathMatcher);
    const tagRegex = ctx.config.tag_regex === undefined ? undefined : new RegExp(ctx.config.tag_regex);
    const dynamicTag = tagRegex !== undefined || ctx.tag.includes('*');
    const multilineNames = (ctx.config['multiline.parser'] ?? []).flatMap((value) => value.split(',').map((name) => name.trim()).filter((name) => name !== ''));
    if (multilineNames.length > 0 && ctx.config.parser !== undefined) ctx.log.warn('parser is ignored when multiline.parser is set, as in Fluent Bit');
    const parser = ctx.config.parser === undefined || multilineNames.length > 0 ? undefined : ctx.parser(ctx.config.parser);
    const files = new Map<string, TailedFile>(); // by "dev:inode"
    const lines = new LineRecords(ctx, parser, multilineNames);
    let firstScan = true;
    const db = ctx.config.db === undefined ? undefined : openDb(ctx.name, ctx.config.db, ctx.config);
    /** in_tail's `set_file_position`: the DB's offset (0 if past the end), else the head or the end. */
    const position = (file: TailedFile, fromHead: boolean) => {
      if (!db) return file.start(fromHead ? 0 : file.size);
      const row = db.lookup(file.inode);
      let offset = row && row.offset <= file.size ? row.offset : 0;
      if (offset === 0 && !fromHead) offset = file.size;
      file.dbRow = row ? (row.offset === offset ? row.id : db.updateOffset(row.id, file.path, offset, file.inode)) : db.insert(file.path, offset, file.inode);
      file.start(offset);
    };
    const forget = (id: string, file: TailedFile) => {
      lines.release(file);
      file.close();
      files.delete(id);
      if (db && file.dbRow !== undefined) db.delete(file.dbRow);
    };

    const scan = () => {
      const fromHead = firstScan ? ctx.config.read_from_head : ctx.config.read_newly_discovered_files_from_head || ctx.config.read_from_head;
      for (const pattern of patterns) {
        for (const path of expandGlob(pattern)) {
          if (excluded.some((matches) => matches(path))) continue;
          let stat;
          try {
            stat = statSync(path);
          } catch {
            continue;
          }
          if (!stat.isFile() || files.has(`${stat.dev}:${stat.ino}`)) continue;
          if (ctx.config.ignore_older > 0 && stat.mtimeMs < Date.now() - ctx.config.ignore_older * 1000) continue;
          const tag = dynamicTag ? composeTag(ctx.tag, path, tagRegex) : ctx.tag;
          if (tag === undefined) {
            ctx.log.error(`${path} does not match Tag_Regex: not tailed`);
            continue;
          }
          try {
            const file = new TailedFile(path, tag, ctx.config.buffer_chunk_size, ctx.config.buffer_max_size, ctx.config.skip_long_lines);
            try {
              position(file, fromHead);
            } catch (error) {
              file.close();
              throw error;
            }
            files.set(`${file.dev}:${file.inode}`, file);
            ctx.log.debug(`inode=${file.inode} ${path} tailed from offset ${file.offset}`);
          } catch (error) {
            ctx.log.warn(`cannot open ${path}: ${messageOf(error)}`);
          }
        }
      }
      if (firstScan && db) db.purgeExcept(new Set([...files.values()].map((file) => file.inode)));
      firstScan = false;
    };

    const poll = () => {
      let rescan = false;
      for (const [id, file] of files) {
        if (ctx.paused) return;
        try {
          const read = file.read(ctx.config.static_batch_size, (line) => lines.append(file, line));
          if (read === 'too_long') {
            ctx.log.error(`${file.path}: a line is longer than buffer_max_size (${ctx.config.buffer_max_size} bytes): the file is no longer read. Raise Buffer_Max_Size or set Skip_Long_Lines on.`);
            file.close();
            files.delete(id);
            continue;
          }
          if (read > 0 && db && file.dbRow !== undefined) file.dbRow = db.updateOffset(file.dbRow, file.path, file.resumeOffset, file.inode);
          if (file.rotatedAt === undefined && rotated(file)) {
            file.rotatedAt = Date.now();
            if (db && file.dbRow !== undefined) db.rotated(file.dbRow, file.currentName());
            ctx.log.info(`${file.path} was rotated: read for ${ctx.config.rotate_wait} s more`);
            rescan = true;
          } else if (file.rotatedAt !== undefined && Date.now() - file.rotatedAt >= ctx.config.rotate_wait * 1000) {
            forget(id, file);
          } else if (read === 0 && file.deleted()) {
            forget(id, file);
          }
        } catch (error) {
          ctx.log.warn(`${file.path}: ${messageOf(error)}: no longer read`);
          files.delete(id);
        }
      }
      if (rescan) scan();
    };

    scan();
    ctx.collectEvery(POLL_MS, poll);
    if (multilineNames.length > 0) ctx.collectEvery(lines.flushMs, () => lines.flushMultiline());
    ctx.collectEvery(ctx.config.refresh_interval * 1000, scan);
    return {
      exit: () => {
        lines.flushMultiline();
        for (const file of files.values()) {
          if (db && file.dbRow !== undefined) db.updateOffset(file.dbRow, file.path, file.resumeOffset, file.inode);
          file.close();
        }
        files.clear();
        db?.close();
      },
    };
  },
});

function openDb(instance: string, path: string, config: { 'db.sync': string; 'db.locking': boolean; 'db.journal_mode': string }): TailDb {
  try {
    return new TailDb(path, { sync: config['db.sync'], locking: config['db.locking'], journalMode: config['db.journal_mode'] });
  } catch (error) {
    throw new Error(`${instance}: ${messageOf(error)}`);
  }
}

/** Whether the path a file was found at now names another inode (or nothing): it was renamed away. */
function rotated(file: TailedFile): boolean {
  try {
    const stat = statSync(file.path);
    return stat.ino !== file.inode || stat.dev !== file.dev;
  } catch {
    return !file.deleted(); // the name is gone but the file lives on: renamed
  }
}

/** Turns lines into records in in_tail's key order (a parser's or the multiline engine's keys, then Path_Key, Offset_Key). */
class LineRecords {
  private readonly writer = new MsgpackWriter(4096);
  /** One multiline stream per file, when multiline.parser is set. */
  private readonly streams = new Map<TailedFile, { joiner: MultilineJoiner; state: { lastOffset: number } }>();
  /** The multiline flush period (0 without multiline.parser). */
  readonly flushMs: number;

  constructor(
    private readonly ctx: InputContext<{ key: string; path_key?: string; offset_key?: string; skip_empty_lines: boolean }>,
    private readonly parser: TextParser | undefined,
    private readonly multilineNames: readonly string[],
  ) {
    // Fails at init, naming it, for a multiline parser that is not defined.
    this.flushMs = multilineNames.length > 0 ? ctx.multiline(multilineNames, () => {}).flushMs : 0;
  }

  /** Emits what the multiline streams hold (the flush timer). */
  flushMultiline(): void {
    for (const { joiner } of this.streams.values()) joiner.flush();
  }

  /** A file no longer read: its pending multiline message is emitted. */
  release(file: TailedFile): void {
    this.streams.get(file)?.joiner.flush();
    this.streams.delete(file);
  }

  append(file: TailedFile, line: FileLine): void {
    const { skip_empty_lines: skipEmpty } = this.ctx.config;
    if (skipEmpty && (line.text.length === 0 || (line.raw.length === 1 && line.raw[0] === 0x0d))) return;
    if (this.multilineNames.length > 0) {
      let stream = this.streams.get(file);
      if (!stream) {
        const state = { lastOffset: line.offset };
        const joiner = this.ctx.multiline(this.multilineNames, (record, time, truncated) => this.appendRecord(file, record, time, state.lastOffset, truncated));
        stream = { joiner, state };
        this.streams.set(file, stream);
      }
      stream.state.lastOffset = line.offset;
      stream.joiner.append(line.text.toString('utf8'));
      return;
    }
    if (this.parser) {
      const parsed = this.parser.parse(line.text.toString('utf8'));
      if (parsed) return this.appendRecord(file, parsed.record, parsed.time, line.offset);
    }
    // The line's bytes as read (no UTF-8 check), the CR kept when a parser failed on it.
    const { key, path_key: pathKey, offset_key: offsetKey } = this.ctx.config;
    const writer = this.writer;
    writer.reset();
    writer.writeMapHeader(1 + (pathKey === undefined ? 0 : 1) + (offsetKey === undefined ? 0 : 1));
    if (pathKey !== undefined) {
      writer.writeString(pathKey);
      writer.writeString(file.path);
    }
    if (offsetKey !== undefined) {
      writer.writeString(offsetKey);
      writer.writeInteger(line.offset);
    }
    writer.writeString(key);
    writer.writeStringBytes(this.parser ? line.raw : line.text);
    this.ctx.appendTagged(file.tag, writer.bytes());
  }

  private appendRecord(file: TailedFile, record: Record<string, unknown>, time: { sec: number; nsec: number } | undefined, offset: number, truncated = false): void {
    const { path_key: pathKey, offset_key: offsetKey } = this.ctx.config;
    if (pathKey !== undefined) record[pathKey] = file.path;
    if (offsetKey !== undefined) record[offsetKey] = offset;
    // A multiline message cut at multiline_buffer_limit says so in its metadata, as in Fluent Bit.
    const metadata = truncated ? TRUNCATED : undefined;
    if (time) this.ctx.appendAt(time.sec, time.nsec, record as never, metadata, file.tag);
    else this.ctx.appendTagged(file.tag, record as never, metadata);
  }
}
