import { LOG_LEVELS, type LogLevel } from './logger.js';

/*
 * Fluent Bit's parsers for the values of settings, shared by the config reader (service keys)
 * and plugin config maps. Each returns undefined for text it does not accept, so the caller can
 * say which key was wrong and how to write it.
 */

/** `flb_utils_bool`: true/on/yes and false/off/no, any case. */
export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'true' || value === 'on' || value === 'yes') return true;
  if (value === 'false' || value === 'off' || value === 'no') return false;
  return undefined;
}

/**
 * `flb_utils_size_to_bytes`: a number with an optional K/KB/M/MB/G/GB suffix in decimal units
 * (1K = 1000), and `false` meaning 0.
 */
export function parseSize(text: string): number | undefined {
  const value = text.trim();
  if (value.toLowerCase() === 'false') return 0;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(value);
  if (!match) return undefined;
  const unit = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(match[1]) * unit);
}

/**
 * `flb_utils_time_to_seconds`, as config maps of type TIME read it: whole seconds with an
 * optional `s`, `m`, `h` or `d` suffix (`30s`, `5m`, `1h`). Fluent Bit reads `1.5m` as 60
 * (atoi); such a value is refused here rather than silently truncated.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2]!.toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** A whole number, optionally signed. */
export function parseInteger(text: string): number | undefined {
  const value = text.trim();
  return /^[-+]?\d+$/.test(value) ? Number.parseInt(value, 10) : undefined;
}

/** A finite number (`1`, `0.5`, `1e3`). */
export function parseNumber(text: string): number | undefined {
  const value = text.trim();
  const parsed = Number(value);
  return value === '' || !Number.isFinite(parsed) ? undefined : parsed;
}

/** `off`, `error`, `warn`/`warning`, `info`, `debug` or `trace`, any case. */
export function parseLogLevel(text: string): LogLevel | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'warning') return 'warn';
  return (LOG_LEVELS as readonly string[]).includes(value) ? (value as LogLevel) : undefined;
}
