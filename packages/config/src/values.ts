import { atLocation, excerpt, parseBoolean, parseInteger, parseLogLevel, parseNumber, parseSize, type LogLevel, type SourceLocation } from '@tributary/base';
import { ConfigError } from './config-error.js';

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
    `invalid value for '${setting.key}': expected ${expected}, for example '${setting.key} ${example}', but got '${excerpt(setting.value)}'.`,
  );
}

/** `true/on/yes` or `false/off/no`, any case (`flb_utils_bool`). */
export function booleanSetting(setting: Setting): boolean {
  return parseBoolean(setting.value) ?? invalid(setting, 'on/off, true/false or yes/no', 'on');
}

/** A number of seconds greater than zero, fractions allowed (`Flush`). */
export function positiveNumberSetting(setting: Setting, example: string): number {
  const value = parseNumber(setting.value);
  if (value === undefined || value <= 0) invalid(setting, 'a number greater than 0', example);
  return value;
}

/** An integer, optionally bounded. */
export function integerSetting(setting: Setting, min: number, example: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = parseInteger(setting.value);
  if (value === undefined || value < min || value > max) {
    invalid(setting, max < Number.MAX_SAFE_INTEGER ? `a whole number from ${min} to ${max}` : min === 0 ? 'a whole number of 0 or more' : `a whole number of at least ${min}`, example);
  }
  return value;
}

/** A size with optional K/KB/M/MB/G/GB (decimal units); `false` is 0 (`flb_utils_size_to_bytes`). */
export function sizeSetting(setting: Setting): number {
  return parseSize(setting.value) ?? invalid(setting, 'a size such as 512K, 5M or 1G', '5M');
}

/** `off`, `error`, `warn`/`warning`, `info`, `debug` or `trace`. */
export function logLevelSetting(setting: Setting): LogLevel {
  return parseLogLevel(setting.value) ?? invalid(setting, 'one of off, error, warn, info, debug, trace', 'info');
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
  warn(atLocation(setting.source, `invalid retry_limit '${setting.value}'. set default (1).`));
  return 1;
}
