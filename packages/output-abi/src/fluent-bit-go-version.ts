import { readFileSync } from 'node:fs';
import type { EventFormat } from '@tributary/core';

const MODULE = Buffer.from('\tgithub.com/fluent/fluent-bit-go\t');

/**
 * The fluent-bit-go version a Go `.so` was built against, read from the module list the Go
 * linker embeds (`go version -m` shows the same), e.g. `v0.0.0-20230731091245-a7a013e2473c`.
 * Undefined when the module is not listed (a replace to a local path, an old toolchain).
 */
export function fluentBitGoVersion(path: string): string | undefined {
  const bytes = readFileSync(path);
  const at = bytes.indexOf(MODULE);
  if (at < 0) return undefined;
  const start = at + MODULE.length;
  const end = bytes.indexOf(0x09, start);
  const version = bytes.toString('latin1', start, end < 0 ? start + 64 : end).split('\n')[0]!;
  return /^v\d/.test(version) ? version : undefined;
}

/**
 * fluent-bit-go decoders before 2023-07-31 (`a7a013e`) read the v2 header `[time, meta]` as the
 * timestamp, and the common `ts.(output.FLBTime)` then panics and kills the host; they get the
 * legacy `[time, body]` form. Newer ones, and unknown versions, get v2 as Fluent Bit ≥ 2.1 sends.
 */
export function eventFormatFor(version: string | undefined): EventFormat {
  const pseudo = version === undefined ? undefined : /^v0\.0\.0-(\d{14})-[0-9a-f]{12}$/.exec(version);
  if (!pseudo) return 'v2';
  return pseudo[1]! < '20230731091245' ? 'legacy' : 'v2';
}
