import { ConfigError, type SourceLocation } from './config-error.js';

/** Fluent Bit's log levels. */
export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A key's value with where it was written, for error messages. */
export interface Setting {
  readonly key: string;
  readonly value: string;
  readonly source: SourceLocation;
}

function invalid(setting: Setting, expected: string, example: string): never {
  throw new ConfigError(
    'CONFIG_INVALID_VALUE',
    setting.source,
    `invalid value for '${setting.key}': expected ${expected}, for example '${setting.key} ${example}', but got '${setting.value}'.`,
  );
}

/** `true/on/yes` or `false/off/no`, any case (`flb_utils_bool`). */
export function booleanSetting(setting: Setting): boolean {
  const value = setting.value.toLowerCase();
  if (value === 'true' || value === 'on' || value === 'yes') return true;
  if (value === 'false' || value === 'off' || value === 'no') return false;
  return invalid(setting, 'on/off, true/false or yes/no', 'on');
}

/** A number of seconds greater than zero, fractions allowed (`Flush`). */
export function positiveNumberSetting(setting: Setting, example: string): number {
  const value = Number(setting.value);
  if (setting.value === '' || !Number.isFinite(value) || value <= 0) invalid(setting, 'a number greater than 0', example);
  return value;
}

/** An integer, optionally bounded below. */
export function integerSetting(setting: Setting, min: number, example: string): number {
  if (!/^[-+]?\d+$/.test(setting.value) || Number(setting.value) < min) {
    invalid(setting, min === 0 ? 'a whole number of 0 or more' : `a whole number of at least ${min}`, example);
  }
  return Number.parseInt(setting.value, 10);
}

/** A size with optional K/KB/M/MB/G/GB (decimal units); `false` is 0 (`flb_utils_size_to_bytes`). */
export function sizeSetting(setting: Setting): number {
  if (setting.value.toLowerCase() === 'false') return 0;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(setting.value);
  if (!match) return invalid(setting, 'a size such as 512K, 5M or 1G', '5M');
  const unit = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(match[1]) * unit);
}

/** `off`, `error`, `warn`/`warning`, `info`, `debug` or `trace`. */
export function logLevelSetting(setting: Setting): LogLevel {
  const value = setting.value.toLowerCase();
  if (value === 'warning') return 'warn';
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  return invalid(setting, 'one of off, error, warn, info, debug, trace', 'info');
}

/**
 * `Retry_Limit` as Fluent Bit reads it: `no_limits`/`false`/`off` → −1 (unlimited),
 * `no_retries` → 0, N > 0 → N; anything else warns and falls back to the default, 1.
 */
export function retryLimitSetting(setting: Setting, warn: (message: string) => void): number {
  const value = setting.value.toLowerCase();
  if (value === 'no_limits' || value === 'false' || value === 'off') return -1;
  if (value === 'no_retries') return 0;
  if (/^\d+$/.test(value) && Number(value) > 0) return Number(value);
  warn(`${setting.source.file}:${setting.source.line}: invalid retry_limit '${setting.value}'. set default (1).`);
  return 1;
}
