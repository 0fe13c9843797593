import { MsgpackFormatError } from './msgpack-error.js';

/**
 * The offset just past the msgpack item at `pos` of `bytes`, containers included: a tight scan
 * with no decoding and no allocation, for code that walks records by byte ranges (a filter
 * looking up one key). Truncated or invalid bytes throw a MsgpackFormatError.
 */
export function skipItem(bytes: Uint8Array, pos: number): number {
  let pending = 1;
  const end = bytes.length;
  while (pending > 0) {
    pending--;
    if (pos >= end) throw truncated(pos);
    const b = bytes[pos]!;
    if (b <= 0x7f || b >= 0xe0) pos += 1;
    else if (b <= 0x8f) { pending += (b & 0x0f) * 2; pos += 1; }
    else if (b <= 0x9f) { pending += b & 0x0f; pos += 1; }
    else if (b <= 0xbf) pos += 1 + (b & 0x1f);
    else {
      switch (b) {
        case 0xc0: case 0xc2: case 0xc3: pos += 1; break;
        case 0xc4: case 0xd9: pos += 2 + at(bytes, pos + 1, 1); break;
        case 0xc5: case 0xda: pos += 3 + at(bytes, pos + 1, 2); break;
        case 0xc6: case 0xdb: pos += 5 + at(bytes, pos + 1, 4); break;
        case 0xc7: pos += 3 + at(bytes, pos + 1, 1); break;
        case 0xc8: pos += 4 + at(bytes, pos + 1, 2); break;
        case 0xc9: pos += 6 + at(bytes, pos + 1, 4); break;
        case 0xca: case 0xce: case 0xd2: pos += 5; break;
        case 0xcb: case 0xcf: case 0xd3: pos += 9; break;
        case 0xcc: case 0xd0: pos += 2; break;
        case 0xcd: case 0xd1: pos += 3; break;
        case 0xd4: pos += 3; break;
        case 0xd5: pos += 4; break;
        case 0xd6: pos += 6; break;
        case 0xd7: pos += 10; break;
        case 0xd8: pos += 18; break;
        case 0xdc: pending += at(bytes, pos + 1, 2); pos += 3; break;
        case 0xdd: pending += at(bytes, pos + 1, 4); pos += 5; break;
        case 0xde: pending += at(bytes, pos + 1, 2) * 2; pos += 3; break;
        case 0xdf: pending += at(bytes, pos + 1, 4) * 2; pos += 5; break;
        default: throw new MsgpackFormatError('MSGPACK_FORMAT', `invalid msgpack type byte 0x${b.toString(16)} at byte ${pos}`, pos);
      }
    }
  }
  if (pos > end) throw truncated(end);
  return pos;
}

/** A big-endian unsigned integer of `size` bytes at `pos`. */
function at(bytes: Uint8Array, pos: number, size: 1 | 2 | 4): number {
  if (pos + size > bytes.length) throw truncated(pos);
  if (size === 1) return bytes[pos]!;
  if (size === 2) return (bytes[pos]! << 8) | bytes[pos + 1]!;
  return bytes[pos]! * 0x1000000 + ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!);
}

function truncated(pos: number): MsgpackFormatError {
  return new MsgpackFormatError('MSGPACK_FORMAT', `truncated msgpack at byte ${pos}`, pos);
}

/**
 * Where the str at `pos` holds its bytes, as `[start, end]` packed into `out`; false when the
 * item at `pos` is not a str.
 */
export function strBounds(bytes: Uint8Array, pos: number, out: { start: number; end: number }): boolean {
  const b = bytes[pos];
  if (b === undefined) return false;
  let start: number;
  let size: number;
  if (b >= 0xa0 && b <= 0xbf) { start = pos + 1; size = b & 0x1f; }
  else if (b === 0xd9) { start = pos + 2; size = at(bytes, pos + 1, 1); }
  else if (b === 0xda) { start = pos + 3; size = at(bytes, pos + 1, 2); }
  else if (b === 0xdb) { start = pos + 5; size = at(bytes, pos + 1, 4); }
  else return false;
  if (start + size > bytes.length) throw truncated(pos);
  out.start = start;
  out.end = start + size;
  return true;
}
