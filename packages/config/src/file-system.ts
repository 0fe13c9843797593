import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file access the config reader needs; tests and embedders may supply their own. */
export interface ConfigFileSystem {
  /** The file's bytes (checked to be UTF-8 text by the reader), or its text. */
  readFile(file: string): Uint8Array | string;
  exists(file: string): boolean;
  /** A stable identity of a file (device and inode), to refuse including a file twice. */
  identity(file: string): string;
  readdir(dir: string): string[];
}

export const nodeFileSystem: ConfigFileSystem = {
  readFile: (file) => fs.readFileSync(file),
  exists: (file) => fs.existsSync(file),
  identity: (file) => {
    const stat = fs.statSync(file);
    return `${stat.dev}:${stat.ino}`;
  },
  readdir: (dir) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  },
};

/**
 * Expands `*` in any segment of `pattern` (Fluent Bit's @INCLUDE glob); results are sorted.
 * A pattern without `*` is returned as is.
 */
export function expandGlob(pattern: string, fsys: ConfigFileSystem): string[] {
  if (!pattern.includes('*')) return [pattern];
  const absolute = path.isAbsolute(pattern);
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let bases = [absolute ? '/' : '.'];
  for (const segment of segments) {
    if (segment === '') continue;
    if (!segment.includes('*')) {
      bases = bases.map((base) => path.join(base, segment));
      continue;
    }
    const re = new RegExp(`^${segment.split('*').map(escapeRegExp).join('.*')}$`);
    bases = bases.flatMap((base) =>
      fsys
        .readdir(base)
        .filter((entry) => re.test(entry) && !entry.startsWith('.'))
        .sort()
        .map((entry) => path.join(base, entry)),
    );
  }
  return bases.filter((file) => fsys.exists(file));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
