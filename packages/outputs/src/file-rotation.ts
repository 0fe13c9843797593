import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { CoreError } from '@tributary/core';
import type { Logger } from '@tributary/base';

const gzipAsync = promisify(gzip);

export interface RotationSettings {
  /** `rotate` */
  readonly enabled: boolean;
  /** `rotate_max_size` in bytes. */
  readonly maxSize: number;
  /** `rotate_max_files`: rotated files kept per file. */
  readonly maxFiles: number;
  /** `rotate_gzip` */
  readonly gzip: boolean;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `YYYYMMDD_HHMMSS_xxxxxxxx`: local time and 4 random bytes in hex, out_file's `generate_rotation_suffix`. */
function rotationSuffix(now: Date): string {
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}_${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${date}_${randomBytes(4).toString('hex')}`;
}

/** Whether `name` is `<base>.` and a rotation suffix (with or without the random part, `.gz` or not): out_file's `is_valid_rotation_filename`. */
export function isRotatedName(name: string, base: string): boolean {
  if (!name.startsWith(`${base}.`)) return false;
  return /^\d{8}_\d{6}(?:_[0-9a-fA-F]{8})?(?:\.gz)?$/.test(name.slice(base.length + 1));
}

/**
 * out_file's size based rotation (`file_rotate.c`): before a write, a file whose size (read from
 * disk the first time it is seen, then after each write) reached `rotate_max_size` is renamed to
 * `<file>.<YYYYMMDD_HHMMSS>_<8 hex>`, gzipped to `.gz` with `rotate_gzip`, and the oldest
 * rotated files past `rotate_max_files` (by modification time) are deleted.
 */
export class FileRotation {
  private readonly sizes = new Map<string, number>();

  constructor(
    name: string,
    readonly settings: RotationSettings,
    private readonly log: Logger,
  ) {
    if (!settings.enabled) return;
    if (settings.maxSize <= 0) throw new CoreError('INVALID_PROPERTY', `${name}: rotate_max_size must be greater than zero.`);
    if (settings.maxFiles < 1) throw new CoreError('INVALID_PROPERTY', `${name}: invalid rotate_max_files=${settings.maxFiles}; must be >= 1.`);
    log.info(`file rotation enabled: rotate_max_size=${settings.maxSize}, rotate_max_files=${settings.maxFiles}, rotate_gzip=${settings.gzip}`);
  }

  /** The size of `path` as rotation counts it (read from disk the first time). */
  async sizeOf(path: string): Promise<number> {
    let size = this.sizes.get(path);
    if (size === undefined) {
      size = await stat(path).then((st) => st.size, () => 0);
      this.sizes.set(path, size);
    }
    return size;
  }

  /** Whether `path`, holding `pending` more bytes not yet written, is due to rotate before the next write. */
  async due(path: string, pending = 0): Promise<boolean> {
    return this.settings.enabled && (await this.sizeOf(path)) + pending >= this.settings.maxSize;
  }

  /** After a write: the size on disk now. */
  async written(path: string): Promise<void> {
    if (!this.settings.enabled) return;
    this.sizes.set(path, await stat(path).then((st) => st.size, () => 0));
  }

  /** Rotates `path` now (out_file's `file_rotate_do`); a failure is a warning, never an error. */
  async rotate(path: string): Promise<void> {
    const rotated = `${path}.${rotationSuffix(new Date())}`;
    try {
      await rename(path, rotated);
    } catch {
      this.log.warn(`could not rotate ${path}`);
      return;
    }
    this.log.info(`rotated ${path} to ${rotated}`);
    this.sizes.set(path, 0);
    if (this.settings.gzip) {
      try {
        await writeFile(`${rotated}.gz`, await gzipAsync(await readFile(rotated)));
        await unlink(rotated);
      } catch {
        await unlink(`${rotated}.gz`).catch(() => {});
        this.log.warn(`keeping uncompressed rotated file ${rotated}`);
      }
    }
    await this.trim(dirname(path), basename(path));
  }

  private async trim(directory: string, base: string): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(directory)).filter((name) => isRotatedName(name, base));
    } catch {
      return;
    }
    const candidates: Array<{ path: string; mtime: number }> = [];
    for (const name of names) {
      const path = join(directory, name);
      const st = await stat(path).catch(() => undefined);
      if (st?.isFile()) candidates.push({ path, mtime: Math.floor(st.mtimeMs / 1000) });
    }
    if (candidates.length <= this.settings.maxFiles) return;
    candidates.sort((a, b) => a.mtime - b.mtime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const remove = candidates.length - this.settings.maxFiles;
    this.log.info(`cleaning up old rotated files: removing ${remove} files (keeping ${this.settings.maxFiles})`);
    for (const candidate of candidates.slice(0, remove)) {
      await unlink(candidate.path).then(
        () => this.log.debug(`removed old rotated file: ${candidate.path}`),
        () => this.log.warn(`could not remove old rotated file: ${candidate.path}`),
      );
    }
  }
}
