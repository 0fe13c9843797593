import { excerpt } from '@tributary/base';
import { ConfigError } from './config-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a config file's bytes. A binary file (a NUL byte in it) is refused without
 * echoing it; bytes that are not UTF-8 are refused with their line and column, since decoding
 * them would silently turn them into U+FFFD.
 */
export function decodeConfigText(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const start = new TextDecoder('utf-8').decode(bytes.subarray(0, Math.min(bytes.length, 40)));
    throw new ConfigError(
      'CONFIG_NOT_TEXT',
      undefined,
      `'${file}' is not a configuration file: it holds binary data (a NUL byte at offset ${nul}; it starts with '${excerpt(start, 40)}'). Give the path of a Fluent Bit .conf file.`,
    );
  }
  try {
    return utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const lineStart = at === 0 ? 0 : bytes.lastIndexOf(0x0a, at - 1) + 1; // (from -1 it would search from the end)
    const line = countNewlines(bytes, at) + 1;
    throw new ConfigError(
      'CONFIG_INVALID_UTF8',
      { file, line, column: at - lineStart + 1 },
      `byte 0x${bytes[at]!.toString(16).padStart(2, '0')} is not UTF-8. Save the file as UTF-8 (Latin-1 text such as 'é' must be re-encoded).`,
    );
  }
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) count++;
  return count;
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

/** The length of the well-formed UTF-8 sequence at `i` (RFC 3629 table 3-7), 0 if there is none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (at: number, low = 0x80, high = 0xbf) => at < bytes.length && bytes[at]! >= low && bytes[at]! <= high;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(i + 1, low, high) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(i + 1, low, high) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}
