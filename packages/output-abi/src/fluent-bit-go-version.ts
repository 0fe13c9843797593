import { readFileSync } from 'node:fs';
import type { EventFormat, Property } from '@tributary/core';
import { GoPluginError } from './go-plugin-error.js';

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

/**
 * Tributary's own property on a Go output: `v2` or `legacy` overrides the record layout
 * detected from the plugin's fluent-bit-go version. The plugin never sees it.
 */
export const EVENT_FORMAT_PROPERTY = 'tributary.event_format';

/** The one place a Go instance's record layout is decided: its `tributary.event_format`, else its fluent-bit-go version. */
export function chooseEventFormat(instance: string, version: string | undefined, override: Property | undefined): EventFormat {
  if (override === undefined) return eventFormatFor(version);
  const format = override.value.trim().toLowerCase();
  if (format === 'v2' || format === 'legacy') return format;
  throw new GoPluginError(
    'INVALID_PROPERTY',
    `${instance}: '${EVENT_FORMAT_PROPERTY}' must be 'v2' (Fluent Bit ≥ 2.1 records) or 'legacy' ([time, body], for fluent-bit-go before July 2023), got '${override.value}'.`,
  );
}
